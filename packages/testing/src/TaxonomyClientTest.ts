/**
 * Layers for your own tests: a real `TaxonomyClient` over the fake API in
 * memory (no sockets), fed with the segments you choose, optionally with
 * scripted failures so you can test your own error and retry paths.
 *
 * Retries wait in Effect time: under `it.effect` (a `TestClock`) advance the
 * clock with `TestClock.adjust`, or use `it.live`. The default retry here is
 * fast (1 ms base delay) so live tests stay quick.
 *
 * @since 0.1.0
 */
import type { Segment } from "@effect-taxonomy/core/Segment"
import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
import { encodeSegment } from "@effect-taxonomy/core/WireFormat"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as FakeHttpClient from "./FakeHttpClient.js"
import * as FakeTaxonomyApi from "./FakeTaxonomyApi.js"
import type { SeedImport, WireSegment } from "./SeedData.js"

/**
 * The base URL the test client uses; the in-memory transport ignores the host.
 *
 * @example
 * ```ts
 * import * as TaxonomyClientTest from "@effect-taxonomy/testing/TaxonomyClientTest"
 *
 * console.log(TaxonomyClientTest.baseUrl) // http://taxonomy.test
 * ```
 *
 * @since 0.1.0
 * @category defaults
 */
export const baseUrl = "http://taxonomy.test"

/**
 * The API key the test client sends (not a secret).
 *
 * @example
 * ```ts
 * import * as TaxonomyClientTest from "@effect-taxonomy/testing/TaxonomyClientTest"
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * // a store that checks the key the test client sends
 * const api = FakeTaxonomyApi.make({ imports: [], apiKey: TaxonomyClientTest.apiKey })
 * ```
 *
 * @since 0.1.0
 * @category defaults
 */
export const apiKey = "00000000-0000-4000-8000-000000000000"

/**
 * Fast retries for tests: 1 ms base delay, 10 ms cap.
 *
 * @example
 * ```ts
 * import * as TaxonomyClientTest from "@effect-taxonomy/testing/TaxonomyClientTest"
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * const layer = TaxonomyClientTest.layerFromApi(FakeTaxonomyApi.make({ imports: [] }), {
 *   retry: { ...TaxonomyClientTest.fastRetry, maxAttempts: 2 }
 * })
 * ```
 *
 * @since 0.1.0
 * @category defaults
 */
export const fastRetry = { baseDelay: "1 millis", maxDelay: "10 millis" } as const

/**
 * Domain segments by import id, turned into the fake API's imports (in the
 * primary wire form).
 *
 * @example
 * ```ts
 * import { importsFromSegments } from "@effect-taxonomy/testing/TaxonomyClientTest"
 * import type { Segment } from "@effect-taxonomy/core/Segment"
 *
 * declare const mine: ReadonlyArray<Segment>
 * const imports = importsFromSegments({ "9f87bd3e-32eb-4d15-8e85-17fb275fa809": mine })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const importsFromSegments = (
  segments: Readonly<Record<string, Iterable<Segment>>>
): ReadonlyArray<SeedImport> =>
  Object.entries(segments).map(([importId, list]) => ({
    importId,
    segments: Array.from(list, (segment) => encodeSegment(segment) as WireSegment)
  }))

/**
 * Options of {@link layer}: the fake API's options, with `segments` (domain
 * segments by import id) as an alternative to `imports`, and the client's own
 * options.
 *
 * @example
 * ```ts
 * import type * as TaxonomyClientTest from "@effect-taxonomy/testing/TaxonomyClientTest"
 *
 * const options: TaxonomyClientTest.Options = { segments: {}, pageSize: 10, client: { prefetch: 0 } }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends Omit<FakeTaxonomyApi.Options, "imports"> {
  readonly segments?: Readonly<Record<string, Iterable<Segment>>>
  readonly imports?: Iterable<SeedImport>
  readonly client?: TaxonomyClient.Options
}

/**
 * A `TaxonomyClient` over `api` in memory.
 *
 * @example
 * ```ts
 * import * as TaxonomyClientTest from "@effect-taxonomy/testing/TaxonomyClientTest"
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 * import * as SeedData from "@effect-taxonomy/testing/SeedData"
 *
 * const api = FakeTaxonomyApi.make({ imports: [SeedData.generateImport({ seed: 1, count: 30 })], pageSize: 10 })
 * const TestLive = TaxonomyClientTest.layerFromApi(api)
 * // ...run your code, then assert on api.requests
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromApi = (
  api: FakeTaxonomyApi.FakeTaxonomyApi,
  options: TaxonomyClient.Options = {}
): Layer.Layer<TaxonomyClient.TaxonomyClient> =>
  TaxonomyClient.layer({
    baseUrl,
    apiKey: Redacted.make(apiKey),
    ...options,
    retry: { ...fastRetry, ...options.retry }
  }).pipe(Layer.provide(FakeHttpClient.layer(api)))

/**
 * A `TaxonomyClient` fed with the segments you give, paged by the fake API
 * (100 per page unless `pageSize` says otherwise), optionally with faults.
 *
 * @example
 * ```ts
 * import * as TaxonomyClientTest from "@effect-taxonomy/testing/TaxonomyClientTest"
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 * import type { Segment } from "@effect-taxonomy/core/Segment"
 *
 * declare const mine: ReadonlyArray<Segment>
 * const TestLive = TaxonomyClientTest.layer({
 *   segments: { "9f87bd3e-32eb-4d15-8e85-17fb275fa809": mine },
 *   pageSize: 2,
 *   faults: FaultPlan.scripted([{ page: 2, fault: FaultPlan.apiError("AuthorizationFailed") }])
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<TaxonomyClient.TaxonomyClient> => {
  const { client, imports, segments, ...apiOptions } = options
  const api = FakeTaxonomyApi.make({
    ...apiOptions,
    apiKey,
    imports: [...(imports ?? []), ...(segments !== undefined ? importsFromSegments(segments) : [])]
  })
  return layerFromApi(api, client)
}
