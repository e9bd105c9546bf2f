/**
 * The browser adapter for `@effect-taxonomy/core`: `fetch` transport aimed at
 * your own backend, no API key in the page.
 *
 * @since 0.1.0
 */

/**
 * The Taxonomy client in a web page, over `fetch`, aimed at your own backend.
 *
 * @since 0.1.0
 */
export * as BrowserTaxonomyClient from "./BrowserTaxonomyClient.js"
