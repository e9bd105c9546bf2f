/**
 * The Taxonomy client in a web page, over `fetch`, aimed at your own backend.
 *
 * The Taxonomy API takes only private keys, and a private key in a web page
 * is a leaked key: anyone can read it from the bundle or the network panel.
 * So this layer sends no key. Point it at a same-origin path of your backend
 * (default `/api/taxonomy`) that adds the key, such as
 * `@effect-taxonomy/node/TaxonomyProxy`. Errors arrive classified exactly as
 * from the API (the proxy passes status and body through).
 *
 * Interrupting a stream (a stop button, a component unmounting, a new
 * search) aborts the `fetch` in flight, and the proxy aborts its upstream
 * request in turn.
 *
 * @since 0.1.0
 */
import type * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
import type * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as internal from "./internal/client.js"

/**
 * The base URL used when you give none: `/api/taxonomy` on the page's origin.
 *
 * @example
 * ```ts
 * import * as BrowserTaxonomyClient from "@effect-taxonomy/browser/BrowserTaxonomyClient"
 *
 * console.log(BrowserTaxonomyClient.defaultBaseUrl) // "/api/taxonomy"
 * ```
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultBaseUrl: string = internal.defaultBaseUrl

/**
 * Options: the core client's options without `apiKey`, plus the transport's.
 *
 * @example
 * ```ts
 * import type * as BrowserTaxonomyClient from "@effect-taxonomy/browser/BrowserTaxonomyClient"
 *
 * const options: BrowserTaxonomyClient.Options = {
 *   baseUrl: "/api/taxonomy",
 *   requestTimeout: "20 seconds",
 *   requestInit: { credentials: "same-origin" }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends Omit<TaxonomyClient.Options, "apiKey" | "baseUrl"> {
  /**
   * Your backend's proxy for the API, default {@link defaultBaseUrl}. A
   * relative URL (`/api/taxonomy`, `api/taxonomy`) is resolved against
   * `location.origin` when running in a page; an absolute URL is used as is
   * (the backend must then allow the page's origin with CORS).
   */
  readonly baseUrl?: string | undefined
  /** The `fetch` to use; default `globalThis.fetch`. */
  readonly fetch?: typeof globalThis.fetch | undefined
  /** Extra `fetch` options for every request, e.g. `{ credentials: "include" }` for a cross-origin backend behind cookies. */
  readonly requestInit?: RequestInit | undefined
}

/**
 * Options of {@link layerWithApiKeyUnsafe}: a key, and the explicit
 * acknowledgement that it will be readable by anyone who loads the page.
 *
 * @example
 * ```ts
 * import type * as BrowserTaxonomyClient from "@effect-taxonomy/browser/BrowserTaxonomyClient"
 * import * as Redacted from "effect/Redacted"
 *
 * // internal tools on a trusted network only
 * const options: BrowserTaxonomyClient.UnsafeApiKeyOptions = {
 *   baseUrl: "https://api.permutive.app/audience-api/v1",
 *   apiKey: Redacted.make("5b3f8d8e-7c55-4a44-9d3c-1f4f3b8b1e42"),
 *   dangerouslyShipPrivateKeyToBrowser: true
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface UnsafeApiKeyOptions extends Options {
  /** The private key, sent as `X-API-Key` from the browser. */
  readonly apiKey: Redacted.Redacted
  /** Must be `true`: you accept that the private key ships to every visitor of the page. */
  readonly dangerouslyShipPrivateKeyToBrowser: true
}

/**
 * Resolves a base URL the way {@link layer} does: relative URLs against
 * `origin` (default `location.origin` when there is a page), absolute URLs
 * unchanged; trailing slashes removed. Without an origin a relative URL is
 * returned as is (requests then fail with a `TransportError` naming the base
 * URL).
 *
 * @example
 * ```ts
 * import * as BrowserTaxonomyClient from "@effect-taxonomy/browser/BrowserTaxonomyClient"
 *
 * BrowserTaxonomyClient.resolveBaseUrl("/api/taxonomy/", "https://app.example.com")
 * // "https://app.example.com/api/taxonomy"
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const resolveBaseUrl: (baseUrl: string, origin?: string | undefined) => string = internal.resolveBaseUrl

/**
 * The client over `fetch`, pointed at your backend, sending no API key.
 *
 * @example
 * ```ts
 * import * as BrowserTaxonomyClient from "@effect-taxonomy/browser/BrowserTaxonomyClient"
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   yield* client.segments("9f87bd3e-32eb-4d15-8e85-17fb275fa809").pipe(
 *     Stream.runForEach((segment) => Effect.sync(() => console.log(segment.name)))
 *   )
 * }).pipe(Effect.provide(BrowserTaxonomyClient.layer({ baseUrl: "/api/taxonomy" })))
 *
 * const fiber = Effect.runFork(program)
 * // later, e.g. on a stop button: aborts the fetch in flight
 * // Effect.runFork(Fiber.interrupt(fiber))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (options?: Options) => Layer.Layer<TaxonomyClient.TaxonomyClient> = internal.layer

/**
 * **Unsafe.** The client over `fetch` sending a private API key from the
 * browser. Anyone who can load the page can read the key (bundle, memory,
 * network panel) and use it with the whole API. Use it only where every
 * user of the page may hold the key anyway (an internal tool); otherwise use
 * {@link layer} with a backend proxy. Throws unless
 * `dangerouslyShipPrivateKeyToBrowser` is `true`.
 *
 * @example
 * ```ts
 * import * as BrowserTaxonomyClient from "@effect-taxonomy/browser/BrowserTaxonomyClient"
 * import * as Redacted from "effect/Redacted"
 *
 * declare const keyTheUserTypedIn: string
 *
 * const live = BrowserTaxonomyClient.layerWithApiKeyUnsafe({
 *   baseUrl: "https://api.permutive.app/audience-api/v1",
 *   apiKey: Redacted.make(keyTheUserTypedIn),
 *   dangerouslyShipPrivateKeyToBrowser: true
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithApiKeyUnsafe: (options: UnsafeApiKeyOptions) => Layer.Layer<TaxonomyClient.TaxonomyClient> =
  internal.layerWithApiKeyUnsafe
