/**
 * The Taxonomy API client as an Effect service: one page as an `Effect`,
 * every page or every segment of an import as a `Stream`.
 *
 * The core never picks a transport: provide an `HttpClient` (the node and
 * browser packages do), or use their ready layers.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Stream from "effect/Stream"
import * as internal from "./internal/client.js"
import type * as RetryPolicy from "./RetryPolicy.js"
import type { ImportId, Segment } from "./Segment.js"
import type { SegmentPage } from "./SegmentPage.js"
import type { TaxonomyError } from "./TaxonomyError.js"

/**
 * The API's production base URL.
 *
 * @example
 * ```ts
 * import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
 *
 * console.log(TaxonomyClient.defaultBaseUrl) // "https://api.permutive.app/audience-api/v1"
 * ```
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultBaseUrl: string = internal.defaultBaseUrl

/**
 * The default per-request timeout: 30 seconds.
 *
 * @example
 * ```ts
 * import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Duration from "effect/Duration"
 *
 * Duration.toSeconds(TaxonomyClient.defaultRequestTimeout) // 30
 * ```
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultRequestTimeout: Duration.Duration = internal.defaultRequestTimeout

/**
 * The default prefetch depth: 1 page fetched ahead while you work on the
 * current one.
 *
 * @example
 * ```ts
 * import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
 *
 * console.log(TaxonomyClient.defaultPrefetch) // 1
 * ```
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultPrefetch: number = internal.defaultPrefetch

/**
 * The default number of imports `segmentsOfImports` streams at the same
 * time: 4.
 *
 * @example
 * ```ts
 * import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
 *
 * console.log(TaxonomyClient.defaultConcurrency) // 4
 * ```
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaultConcurrency: number = internal.defaultConcurrency

/**
 * Client options. All optional.
 *
 * @example
 * ```ts
 * import type * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Redacted from "effect/Redacted"
 *
 * const options: TaxonomyClient.Options = {
 *   apiKey: Redacted.make(process.env.PERMUTIVE_API_KEY!),
 *   requestTimeout: "10 seconds",
 *   prefetch: 2
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The private API key, sent as `X-API-Key`. Omit it when a backend adds the
   * key for you (the browser adapter's default).
   */
  readonly apiKey?: Redacted.Redacted | undefined
  /** Default `https://api.permutive.app/audience-api/v1`. */
  readonly baseUrl?: string | undefined
  /** Retry settings; see `RetryPolicy`. */
  readonly retry?: RetryPolicy.Options | undefined
  /** Per-request timeout (each attempt). Default 30 seconds. */
  readonly requestTimeout?: Duration.DurationInput | undefined
  /** Pages fetched ahead of the consumer. Default 1; 0 turns prefetch off. */
  readonly prefetch?: number | undefined
  /** Add your own middleware to the underlying `HttpClient`. */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * Per-call overrides for `page`.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const page = Effect.flatMap(TaxonomyClient, (client) =>
 *   client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809", { token: "MTIzNA==", retry: { maxAttempts: 1 } })
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface PageOptions {
  /** The pagination token of the page; omit it for the first page. */
  readonly token?: string | undefined
  readonly retry?: RetryPolicy.Options | undefined
  readonly requestTimeout?: Duration.DurationInput | undefined
}

/**
 * Per-call options for `pages` and `segments`.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const resumed = Effect.flatMap(TaxonomyClient, (client) =>
 *   Stream.runCount(client.segments("9f87bd3e-32eb-4d15-8e85-17fb275fa809", { from: "MTIzNA==", deadline: "10 minutes" }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamOptions {
  /**
   * Start from this pagination token instead of the first page: a checkpoint
   * (`SegmentPage.nextToken`) or the `pageToken` of an error that ended an
   * earlier stream.
   */
  readonly from?: string | undefined
  readonly retry?: RetryPolicy.Options | undefined
  readonly requestTimeout?: Duration.DurationInput | undefined
  readonly prefetch?: number | undefined
  /** Fail with `DeadlineExceeded` if the whole stream takes longer. */
  readonly deadline?: Duration.DurationInput | undefined
}

/**
 * Options for `segmentsOfImports`. All optional.
 *
 * @example
 * ```ts
 * import type * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
 *
 * const options: TaxonomyClient.ImportsOptions = {
 *   concurrency: 8,
 *   from: { "9f87bd3e-32eb-4d15-8e85-17fb275fa809": "MTIzNA==" }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportsOptions {
  /** How many imports are streamed at the same time (each with its own prefetch). Default 4. */
  readonly concurrency?: number | undefined
  /**
   * Where to start, per import: import id (as you pass it) to a pagination
   * token, e.g. the `importId` and `pageToken` of the error that ended an
   * earlier call. Imports not named start from their first page.
   */
  readonly from?: Readonly<Record<string, string>> | undefined
  readonly retry?: RetryPolicy.Options | undefined
  readonly requestTimeout?: Duration.DurationInput | undefined
  /** Pages fetched ahead, per import. */
  readonly prefetch?: number | undefined
}

/**
 * One element of `segmentsOfImports`: a segment and the import it was
 * requested for (the id as you passed it).
 *
 * @example
 * ```ts
 * import type { ImportSegment } from "@effect-taxonomy/core/TaxonomyClient"
 *
 * const describe = ({ importId, segment }: ImportSegment) => `${importId}: ${segment.name}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportSegment {
  readonly importId: ImportId
  readonly segment: Segment
}

/**
 * @since 0.1.0
 * @category models
 */
export declare namespace TaxonomyClient {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /** One page of an import: the first, or the one `token` names. */
    readonly page: (importId: string, options?: PageOptions) => Effect.Effect<SegmentPage, TaxonomyError>
    /** Every page of an import, in server order, each fetched once. */
    readonly pages: (importId: string, options?: StreamOptions) => Stream.Stream<SegmentPage, TaxonomyError>
    /** Every segment of an import, in server order, each exactly once. */
    readonly segments: (importId: string, options?: StreamOptions) => Stream.Stream<Segment, TaxonomyError>
    /**
     * Every segment of several imports, `concurrency` imports at a time, each
     * segment tagged with its import. Within an import, segments come in
     * server order, each exactly once; imports interleave. A rate limit on
     * one import pauses them all: while any import waits out a `429` (or a
     * `Retry-After`), no other starts a request. The first error ends the
     * whole stream; it names its import, the page token to resume from and
     * the segments emitted for that import.
     */
    readonly segmentsOfImports: (
      importIds: Iterable<string>,
      options?: ImportsOptions
    ) => Stream.Stream<ImportSegment, TaxonomyError>
  }
}

/**
 * The client service.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   const count = yield* Stream.runCount(client.segments("9f87bd3e-32eb-4d15-8e85-17fb275fa809"))
 *   yield* Effect.log(`${count} segments`)
 * })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class TaxonomyClient extends Context.Tag("@effect-taxonomy/core/TaxonomyClient")<
  TaxonomyClient,
  TaxonomyClient.Service
>() {}

/**
 * Builds the service over whatever `HttpClient` is in context.
 *
 * @example
 * ```ts
 * import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 *
 * const client = TaxonomyClient.make({ apiKey: Redacted.make("my-key") }).pipe(
 *   Effect.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<TaxonomyClient.Service, never, HttpClient.HttpClient> =
  internal.make

/**
 * A layer of the service over the `HttpClient` in context.
 *
 * @example
 * ```ts
 * import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import * as Layer from "effect/Layer"
 * import * as Redacted from "effect/Redacted"
 *
 * const live = TaxonomyClient.layer({ apiKey: Redacted.make("my-key") }).pipe(
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<TaxonomyClient, never, HttpClient.HttpClient> =>
  Layer.effect(TaxonomyClient, make(options))

/**
 * A layer whose options come from `Config`.
 *
 * @example
 * ```ts
 * import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Config from "effect/Config"
 *
 * const live = TaxonomyClient.layerConfig({
 *   apiKey: Config.redacted("PERMUTIVE_API_KEY"),
 *   baseUrl: Config.string("PERMUTIVE_BASE_URL").pipe(Config.withDefault(TaxonomyClient.defaultBaseUrl))
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<Options>
): Layer.Layer<TaxonomyClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(options), (resolved) => layer(resolved)))
