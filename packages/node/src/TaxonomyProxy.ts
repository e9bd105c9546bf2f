/**
 * A small key-adding proxy for browser apps: the page calls your backend, the
 * backend forwards `GET /imports/{importId}/segments` to the Taxonomy API with
 * the private key from server config. The key never reaches the page.
 *
 * What it forwards, and what it refuses (each refusal has a short JSON body
 * in the API's documented error envelope that says why):
 *
 * - only `GET /imports/{uuid}/segments`, under an optional path prefix;
 *   other paths get 404, other methods 405 with `Allow: GET`;
 * - at most one query parameter, `pagination_token`, forwarded byte for byte
 *   exactly as received (base64 `+`, `/`, `=` and their percent-encodings
 *   untouched); any other or repeated parameter gets 400 (so `?k=<key>` can
 *   not be smuggled through);
 * - a non-UUID import id gets 400 and is never forwarded.
 *
 * It sends only `Accept` and `X-API-Key` upstream (no header of the browser's
 * request is forwarded) and passes back the upstream status, body,
 * `content-type`, `retry-after` and `x-request-id`, so the browser client
 * classifies API errors exactly as if it had called the API. The key is
 * scrubbed from every body and header it passes back, and it is never
 * logged. An upstream that can not be reached gives 502, one that does not
 * answer within `timeout` gives 504. A browser that goes away (a stopped
 * stream, a closed tab) aborts the upstream request.
 *
 * @since 0.1.0
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Http from "node:http"
import * as internal from "./internal/proxy.js"

/**
 * The Taxonomy API's production base URL, where the proxy forwards by default.
 *
 * @example
 * ```ts
 * import * as TaxonomyProxy from "@effect-taxonomy/node/TaxonomyProxy"
 *
 * console.log(TaxonomyProxy.defaultUpstream) // https://api.permutive.app/audience-api/v1
 * ```
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultUpstream: string = internal.defaultUpstream

/**
 * How long the proxy waits for the API's whole response before it answers
 * 504: 60 seconds.
 *
 * @example
 * ```ts
 * import * as TaxonomyProxy from "@effect-taxonomy/node/TaxonomyProxy"
 * import * as Duration from "effect/Duration"
 *
 * console.log(Duration.toSeconds(TaxonomyProxy.defaultTimeout)) // 60
 * ```
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultTimeout: Duration.Duration = internal.defaultTimeout

/**
 * Proxy options.
 *
 * @example
 * ```ts
 * import type * as TaxonomyProxy from "@effect-taxonomy/node/TaxonomyProxy"
 * import * as Redacted from "effect/Redacted"
 *
 * const options: TaxonomyProxy.Options = {
 *   apiKey: Redacted.make(process.env.PERMUTIVE_API_KEY!),
 *   prefix: "/api/taxonomy"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The private API key, added upstream as `X-API-Key`. */
  readonly apiKey: Redacted.Redacted
  /** The API's base URL; default {@link defaultUpstream}. */
  readonly upstream?: string | undefined
  /**
   * A path prefix the proxy is mounted under, e.g. `/api/taxonomy`: requests
   * must start with it and it is removed before routing. Default none (leave
   * it out where the framework strips the mount path, like
   * `HttpRouter.mountApp` or connect's `app.use(path, handler)`).
   */
  readonly prefix?: string | undefined
  /** The most the proxy waits for the API's response; default {@link defaultTimeout}. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * {@link Options} for {@link nodeHandler}, plus the `HttpClient` to forward
 * with (default: `@effect/platform-node`'s undici client on the global
 * dispatcher).
 *
 * @example
 * ```ts
 * import type * as TaxonomyProxy from "@effect-taxonomy/node/TaxonomyProxy"
 * import * as Redacted from "effect/Redacted"
 *
 * const options: TaxonomyProxy.NodeHandlerOptions = {
 *   apiKey: Redacted.make(process.env.PERMUTIVE_API_KEY!),
 *   prefix: "/api/taxonomy",
 *   timeout: "20 seconds"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface NodeHandlerOptions extends Options {
  readonly httpClient?: HttpClient.HttpClient | undefined
}

/**
 * The proxy as an Effect HTTP app, forwarding with the `HttpClient` in
 * context. Serve it with `HttpServer.serve`, or mount it in an `HttpRouter`.
 *
 * @example
 * ```ts
 * import * as TaxonomyProxy from "@effect-taxonomy/node/TaxonomyProxy"
 * import * as HttpRouter from "@effect/platform/HttpRouter"
 * import * as HttpServer from "@effect/platform/HttpServer"
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
 * import * as Layer from "effect/Layer"
 * import * as Redacted from "effect/Redacted"
 * import { createServer } from "node:http"
 *
 * const router = HttpRouter.empty.pipe(
 *   HttpRouter.mountApp("/api/taxonomy", TaxonomyProxy.httpApp({ apiKey: Redacted.make(process.env.PERMUTIVE_API_KEY!) }))
 * )
 * const main = HttpServer.serve(router).pipe(
 *   Layer.provide(NodeHttpClient.layerUndici),
 *   Layer.provide(NodeHttpServer.layer(createServer, { port: 3000 }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const httpApp: (options: Options) => HttpApp.Default<never, HttpClient.HttpClient> = internal.httpApp

/**
 * The proxy as a plain `node:http` request handler (also fits connect,
 * Express and Vite's dev server middleware).
 *
 * @example
 * ```ts
 * import * as TaxonomyProxy from "@effect-taxonomy/node/TaxonomyProxy"
 * import * as Redacted from "effect/Redacted"
 * import { createServer } from "node:http"
 *
 * const proxy = TaxonomyProxy.nodeHandler({
 *   apiKey: Redacted.make(process.env.PERMUTIVE_API_KEY!),
 *   prefix: "/api/taxonomy"
 * })
 * createServer((req, res) => {
 *   if (req.url?.startsWith("/api/taxonomy/")) return proxy(req, res)
 *   res.writeHead(404).end()
 * }).listen(3000)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const nodeHandler: (
  options: NodeHandlerOptions
) => (request: Http.IncomingMessage, response: Http.ServerResponse) => void = internal.nodeHandler

/**
 * The environment variables {@link config} reads: the same key and base URL
 * variables as `NodeTaxonomyClient`, plus the mount prefix.
 *
 * @example
 * ```ts
 * import * as TaxonomyProxy from "@effect-taxonomy/node/TaxonomyProxy"
 *
 * console.log(TaxonomyProxy.environment.apiKey) // PERMUTIVE_API_KEY
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const environment = {
  apiKey: "PERMUTIVE_API_KEY",
  upstream: "PERMUTIVE_BASE_URL",
  prefix: "TAXONOMY_PROXY_PREFIX",
  timeout: "TAXONOMY_PROXY_TIMEOUT"
} as const

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

/**
 * Proxy options from the environment (see {@link environment}):
 * `PERMUTIVE_API_KEY` is required and read as a `Redacted`.
 *
 * @example
 * ```ts
 * import * as TaxonomyProxy from "@effect-taxonomy/node/TaxonomyProxy"
 * import * as Effect from "effect/Effect"
 * import { createServer } from "node:http"
 *
 * const options = Effect.runSync(TaxonomyProxy.config)
 * createServer(TaxonomyProxy.nodeHandler(options)).listen(3000)
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  apiKey: Config.redacted(environment.apiKey),
  upstream: optional(Config.nonEmptyString(environment.upstream)),
  prefix: optional(Config.string(environment.prefix)),
  timeout: optional(Config.duration(environment.timeout))
})
