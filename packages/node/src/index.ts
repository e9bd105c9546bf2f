/**
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as NodeTaxonomyClient from "./NodeTaxonomyClient.js"

/**
 * A key-adding proxy for browser apps: forwards only `GET /imports/{importId}/segments`.
 *
 * @since 0.1.0
 */
export * as TaxonomyProxy from "./TaxonomyProxy.js"

/**
 * Export an import's segments to a file or stdout as NDJSON, CSV or JSON.
 *
 * @since 0.1.0
 */
export * as SegmentExport from "./SegmentExport.js"

/**
 * The `taxonomy-export` command.
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"
