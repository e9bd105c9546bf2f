/**
 * The fake Taxonomy API on a real HTTP server (node only): loopback, an
 * ephemeral port, real sockets, and socket-level faults done for real.
 *
 * - `ResetBeforeHeaders`: `socket.resetAndDestroy()` (TCP RST) before any byte.
 * - `ResetMidBody`: headers with the full `Content-Length` and part of the
 *   body, then `socket.resetAndDestroy()`.
 * - `TruncatedBody`: headers with the full `Content-Length` and part of the
 *   body, then `socket.end()` (FIN).
 * - `Slow`: the response after a timer, cleared if the client disconnects.
 * - `KeepAliveReset`: if the request's connection already served a request,
 *   `socket.resetAndDestroy()`; on a fresh connection, the normal response.
 *
 * With `latency`, every response waits that long before any of the above
 * (benchmarks of prefetch and concurrency use it).
 *
 * It tracks connections (opened, closed, open) and, per request, whether the
 * client went away before the response finished.
 *
 * @example
 * ```ts
 * import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 * import * as SeedData from "@effect-taxonomy/testing/SeedData"
 * import * as Effect from "effect/Effect"
 *
 * const seed = SeedData.generateImport({ seed: 1, count: 30 })
 * const program = Effect.gen(function*() {
 *   const server = yield* FakeServer.make(FakeTaxonomyApi.make({ imports: [seed] }))
 *   const response = yield* Effect.promise(() => fetch(`${server.url}/imports/${seed.importId}/segments`))
 *   return response.status // 200
 * }).pipe(Effect.scoped)
 * ```
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as FakeTaxonomyApi from "./FakeTaxonomyApi.js"
import * as internal from "./internal/fakeServer.js"

/**
 * @example
 * ```ts
 * import type * as FakeServer from "@effect-taxonomy/testing/FakeServer"
 *
 * const options: FakeServer.Options = { keepAliveTimeout: 1_000 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default `"127.0.0.1"`. */
  readonly host?: string
  /** Default `0` (an ephemeral port). */
  readonly port?: number
  /** Epoch milliseconds for `Retry-After` HTTP dates (default `Date.now`). */
  readonly clock?: () => number
  /** How long an idle keep-alive connection stays open (default 5000 ms). */
  readonly keepAliveTimeout?: number
  /**
   * Milliseconds every response waits before it starts (default 0): a
   * network round trip or a slow backend. Applied before the reply's own
   * action, so a `Slow` fault adds to it; cleared if the client disconnects.
   */
  readonly latency?: number
}

/**
 * What the server saw of one request. `aborted` is true when the client
 * closed the connection before the response finished (`close` before
 * `finish`) without the server having reset it on purpose or shut down.
 *
 * @example
 * ```ts
 * import type * as FakeServer from "@effect-taxonomy/testing/FakeServer"
 *
 * const clientGaveUp = (e: FakeServer.Exchange) => e.aborted && !e.finished
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Exchange {
  /** 0-based, per server. */
  readonly index: number
  /** When the server received the request (epoch milliseconds, `Date.now()`, not `Options.clock`). */
  readonly receivedAt: number
  /** The store's index for the request (`RecordedRequest.index`). */
  readonly requestIndex: number
  readonly method: string
  /** Path and raw query, as received. */
  readonly url: string
  readonly status: number
  readonly action: FakeTaxonomyApi.ReplyAction["_tag"]
  /** The request came on a connection that had already served a request. */
  readonly socketReused: boolean
  /** The whole response was handed to the OS. */
  readonly finished: boolean
  /** The client went away before the response finished. */
  readonly aborted: boolean
  /** The server reset or cut the connection on purpose (a fault). */
  readonly resetByServer: boolean
  /** The response is over, one way or another. */
  readonly closed: boolean
}

/**
 * A running fake server.
 *
 * @example
 * ```ts
 * import type * as FakeServer from "@effect-taxonomy/testing/FakeServer"
 *
 * const summary = (server: FakeServer.Service) =>
 *   `${server.url}: ${server.connections.opened} connections, ${server.exchanges.length} requests`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly api: FakeTaxonomyApi.FakeTaxonomyApi
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string
  readonly port: number
  /** Sockets accepted, closed, and open now. */
  readonly connections: { readonly opened: number; readonly closed: number; readonly open: number }
  /** A snapshot of every request the server received, oldest first. */
  readonly exchanges: ReadonlyArray<Exchange>
  readonly listening: boolean
}

/**
 * The running fake server as a service.
 *
 * @example
 * ```ts
 * import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
 * import * as Effect from "effect/Effect"
 *
 * const baseUrl = Effect.map(FakeServer.FakeServer, (server) => `${server.url}/audience-api/v1`)
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class FakeServer extends Context.Tag("@effect-taxonomy/testing/FakeServer")<FakeServer, Service>() {}

/**
 * Start a server in the current scope; closing the scope closes it and
 * destroys its open connections.
 *
 * @example
 * ```ts
 * import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.scoped(
 *   Effect.flatMap(FakeServer.make(FakeTaxonomyApi.make({ imports: [] })), (server) => Effect.log(server.url))
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  api: FakeTaxonomyApi.FakeTaxonomyApi,
  options?: Options
): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.promise(() => internal.start(api, options)),
      (handle) => Effect.promise(() => handle.close())
    ),
    (handle): Service => ({
      api: handle.api,
      url: handle.url,
      port: handle.port,
      get connections() {
        return handle.connections
      },
      get exchanges() {
        return handle.exchanges
      },
      get listening() {
        return handle.listening
      }
    })
  )

/**
 * A layer running a server for `api`.
 *
 * @example
 * ```ts
 * import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 * import * as SeedData from "@effect-taxonomy/testing/SeedData"
 *
 * const ServerLive = FakeServer.layer(FakeTaxonomyApi.make({ imports: [SeedData.generateImport({ seed: 1 })] }))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (api: FakeTaxonomyApi.FakeTaxonomyApi, options?: Options): Layer.Layer<FakeServer> =>
  Layer.scoped(FakeServer, make(api, options))

/**
 * Start a server outside Effect (scripts, a demo): remember to `close()` it.
 *
 * @example
 * ```ts
 * import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 * import * as SeedData from "@effect-taxonomy/testing/SeedData"
 *
 * const server = await FakeServer.start(FakeTaxonomyApi.make({ imports: SeedData.generateImports({ seed: 1, count: 2 }) }))
 * console.log(server.url)
 * await server.close()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = (
  api: FakeTaxonomyApi.FakeTaxonomyApi,
  options?: Options
): Promise<Service & { readonly close: () => Promise<void> }> => internal.start(api, options)

/**
 * Wait (in real time, polling every 5 ms) until `predicate` holds for the
 * server, e.g. until it saw a connection close; fails with a
 * `TimeoutException` after `timeoutMs` (default 2000).
 *
 * @example
 * ```ts
 * import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
 * import * as Effect from "effect/Effect"
 *
 * const sawAbort = Effect.flatMap(FakeServer.FakeServer, (server) =>
 *   FakeServer.waitUntil(server, (s) => s.exchanges.some((e) => e.aborted)))
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const waitUntil = (
  server: Service,
  predicate: (server: Service) => boolean,
  options: { readonly timeoutMs?: number } = {}
): Effect.Effect<void, Cause.TimeoutException> =>
  Effect.async<void, Cause.TimeoutException>((resume) => {
    if (predicate(server)) return resume(Effect.void)
    const deadline = Date.now() + (options.timeoutMs ?? 2_000)
    const interval = setInterval(() => {
      if (predicate(server)) {
        clearInterval(interval)
        resume(Effect.void)
      } else if (Date.now() > deadline) {
        clearInterval(interval)
        resume(Effect.fail(new Cause.TimeoutException("FakeServer.waitUntil: condition not met in time")))
      }
    }, 5)
    return Effect.sync(() => clearInterval(interval))
  })
