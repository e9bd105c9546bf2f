/**
 * An in-memory `HttpClient` in front of a `FakeTaxonomyApi`: no sockets, and
 * time (`Retry-After` HTTP dates, `Slow` delays) follows Effect's `Clock`,
 * so `TestClock` controls it.
 *
 * Faults become what a real transport would report: a reset (before headers
 * or on an idle keep-alive connection) is an `HttpClientError.RequestError`
 * with reason `"Transport"` whose cause mentions `ECONNRESET`; a mid-body
 * reset or truncated body is a `200` whose body stream fails partway; `Slow`
 * is an interruptible `Effect.sleep` before the response.
 *
 * @example
 * ```ts
 * import * as FakeHttpClient from "@effect-taxonomy/testing/FakeHttpClient"
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 * import * as SeedData from "@effect-taxonomy/testing/SeedData"
 * import * as HttpClient from "@effect/platform/HttpClient"
 * import * as Effect from "effect/Effect"
 *
 * const seed = SeedData.generateImport({ seed: 1, count: 30 })
 * const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 10 })
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* HttpClient.HttpClient
 *   const response = yield* client.get(`http://fake.local/imports/${seed.importId}/segments`)
 *   return yield* response.json
 * }).pipe(Effect.provide(FakeHttpClient.layer(api)))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Layer from "effect/Layer"
import type * as FakeTaxonomyApi from "./FakeTaxonomyApi.js"
import * as internal from "./internal/fakeHttpClient.js"

/**
 * An `HttpClient` that answers every request from `api`. Any host works;
 * only the path and query reach the store.
 *
 * @example
 * ```ts
 * import * as FakeHttpClient from "@effect-taxonomy/testing/FakeHttpClient"
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * const client = FakeHttpClient.make(FakeTaxonomyApi.make({ imports: [] }))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (api: FakeTaxonomyApi.FakeTaxonomyApi) => HttpClient.HttpClient = internal.make

/**
 * A layer providing {@link make} as the `HttpClient`.
 *
 * @example
 * ```ts
 * import * as FakeHttpClient from "@effect-taxonomy/testing/FakeHttpClient"
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 * import * as SeedData from "@effect-taxonomy/testing/SeedData"
 *
 * const layer = FakeHttpClient.layer(FakeTaxonomyApi.make({ imports: [SeedData.generateImport({ seed: 1 })] }))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (api: FakeTaxonomyApi.FakeTaxonomyApi): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, make(api))
