/**
 * A fake of the Taxonomy API endpoint `GET {basePath}/imports/{importId}/segments`:
 * a store of imports plus a pure, runtime-agnostic request handler. The same
 * store can sit behind the in-memory `FakeHttpClient` or the real
 * `FakeServer`; it records every request it handles.
 *
 * It is written from the wire format alone and does not use the client
 * package, so tests against it are meaningful.
 *
 * @example
 * ```ts
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 * import * as SeedData from "@effect-taxonomy/testing/SeedData"
 *
 * const api = FakeTaxonomyApi.make({ imports: [SeedData.generateImport({ seed: 1, count: 50 })], pageSize: 7 })
 * const importId = [...api.imports.keys()][0]
 * const reply = api.handle({ method: "GET", url: `/imports/${importId}/segments`, headers: {} }, Date.now())
 * console.log(reply.status, JSON.parse(reply.body).elements.length) // 200 7
 * ```
 *
 * @since 0.1.0
 */
import type * as Option from "effect/Option"
import type * as FaultPlan from "./FaultPlan.js"
import * as Errors from "./internal/errors.js"
import * as internal from "./internal/fakeApi.js"
import type { SeedImport, WireSegment } from "./SeedData.js"

/**
 * The 23 `HttpError` variant names of the Taxonomy API.
 *
 * @example
 * ```ts
 * import type { Variant } from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * const variant: Variant = "DoesNotExist"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Variant =
  | "AlreadyExists"
  | "AuthorizationFailed"
  | "AuthorizationFailedForAPIKey"
  | "AuthorizationFailedForUser"
  | "AuthorizationMissing"
  | "BadEncoding"
  | "BadOrigin"
  | "DoesNotExist"
  | "InsufficientAPIKey"
  | "InvalidAPIKey"
  | "InvalidHeader"
  | "InvalidParameters"
  | "InvalidRequestBody"
  | "MissingHeader"
  | "MissingOrigin"
  | "MissingParameters"
  | "MissingRequestBody"
  | "RouteDeprecated"
  | "SchemeNotSupported"
  | "UnknownError"
  | "UnspecifiedInternalError"
  | "ValidationError"
  | "VerbNotImplemented"

/**
 * Every `HttpError` variant name, in the spec's order.
 *
 * @example
 * ```ts
 * import { variants } from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * console.log(variants.length) // 23
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const variants: ReadonlyArray<Variant> = Errors.variants

/**
 * Each variant's canonical HTTP status.
 *
 * @example
 * ```ts
 * import { variantStatus } from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * console.log(variantStatus.DoesNotExist) // 404
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const variantStatus: { readonly [V in Variant]: number } = Errors.variantStatus

/**
 * The numeric `code` each variant carries in the documented envelope
 * (`InvalidAPIKey` is `2000`, as in Permutive's errors reference).
 *
 * @example
 * ```ts
 * import { documentedCode } from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * console.log(documentedCode.InvalidAPIKey) // 2000
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const documentedCode: { readonly [V in Variant]: number } = Errors.documentedCode

/**
 * The three error envelopes:
 *
 * - `"wrapper"`: `{"requestId": rid, "error": {"<Variant>": {"c": cause, "d": {...}}}}`
 * - `"tagged"`: `{"requestId": rid, "error": {"_tag": "<Variant>", "c": cause, "d": {...}}}`
 * - `"documented"`: `{"request_id": rid, "error": {"status": "Not Found", "code": 3000, "message": "...", "cause": "...", "docs": "https://..."}}`
 *
 * `UnknownError` also carries `"s": {"code": status}, "co": status, "m": reason`
 * in the first two forms.
 *
 * @example
 * ```ts
 * import type { ErrorForm } from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * const form: ErrorForm = "documented"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ErrorForm = "wrapper" | "tagged" | "documented"

/**
 * The three envelope forms.
 *
 * @example
 * ```ts
 * import { errorForms, variants } from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * for (const form of errorForms) for (const variant of variants) console.log(form, variant)
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const errorForms: ReadonlyArray<ErrorForm> = ["wrapper", "tagged", "documented"]

/**
 * How the last page says it is the last: no token key (`"absent"`), a
 * `null` token, or an empty string token.
 *
 * @example
 * ```ts
 * import type { LastPageForm } from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * const form: LastPageForm = "empty"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type LastPageForm = "absent" | "null" | "empty"

/**
 * @example
 * ```ts
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 * import * as SeedData from "@effect-taxonomy/testing/SeedData"
 *
 * const options: FakeTaxonomyApi.Options = {
 *   imports: SeedData.generateImports({ seed: 1, count: 2 }),
 *   pageSize: 25,
 *   apiKey: "5b3f8d8e-7c55-4a44-9d3c-1f4f3b8b1e42",
 *   lastPage: "null",
 *   faults: FaultPlan.scripted([{ page: 2, times: 1, fault: FaultPlan.rateLimit() }])
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly imports: Iterable<SeedImport>
  /** Server-chosen page size (default 100). */
  readonly pageSize?: number
  /** Page spelling (default `"snake"`); a request header `x-fake-casing: camel|snake` overrides it. */
  readonly casing?: "snake" | "camel"
  /** Path prefix before `/imports` (default `""`), e.g. `"/audience-api/v1"`. */
  readonly basePath?: string
  /** When set, `x-api-key` (or `?k=`) must equal it: 401 `AuthorizationMissing` / `InvalidAPIKey` otherwise. */
  readonly apiKey?: string
  /** Default {@link FaultPlan.none}. */
  readonly faults?: FaultPlan.FaultPlan
  /** Adds `Access-Control-Allow-Origin: *` and answers `OPTIONS` preflights (default `false`). */
  readonly cors?: boolean
  /** How the last page ends (default `"absent"`). */
  readonly lastPage?: LastPageForm
  /** The envelope of the store's own errors (404, 401, 405); default `"wrapper"`. */
  readonly errorForm?: ErrorForm
  /** Seed of the request ids (default 0). */
  readonly seed?: number
}

/**
 * A request as it reached the server: `url` is the path plus the raw query
 * exactly as sent (an absolute URL is accepted too), header names in any case.
 *
 * @example
 * ```ts
 * import type { FakeRequest } from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * const request: FakeRequest = {
 *   method: "GET",
 *   url: "/imports/32f8e031-c532-41bb-b25e-65bdb677a96f/segments?pagination_token=%2B%2FAbc%3D%3D",
 *   headers: { "x-api-key": "..." }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
}

/**
 * What the transport must do with a reply, beyond sending it:
 *
 * - `Send`: send status, headers and body.
 * - `Delay`: send it after `millis`.
 * - `ResetBeforeHeaders`: reset the connection, send nothing.
 * - `ResetMidBody`: send the headers (with the full `content-length`) and
 *   the first `afterBytes` bytes of the body, then reset the connection.
 * - `TruncatedBody`: send the headers (with the full `content-length`) and
 *   the first `sentBytes` bytes, then close the connection.
 * - `KeepAliveReset`: reset the connection if it already served a request
 *   (a real server), otherwise send normally; in memory, a transport failure.
 *
 * @example
 * ```ts
 * import type { ReplyAction } from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * const action: ReplyAction = { _tag: "ResetMidBody", afterBytes: 100 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ReplyAction =
  | { readonly _tag: "Send" }
  | { readonly _tag: "Delay"; readonly millis: number }
  | { readonly _tag: "ResetBeforeHeaders" }
  | { readonly _tag: "ResetMidBody"; readonly afterBytes: number }
  | { readonly _tag: "TruncatedBody"; readonly sentBytes: number }
  | { readonly _tag: "KeepAliveReset" }

/**
 * The handler's answer. `headers` are lower-case and always include
 * `content-length` (the byte length of the whole `body`) and `x-request-id`.
 *
 * @example
 * ```ts
 * import type { FakeReply } from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * const describe = (reply: FakeReply) => `${reply.status} ${reply.action._tag} ${reply.body.length} chars`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeReply {
  /** The index of the request in this store. */
  readonly requestIndex: number
  readonly requestId: string
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly action: ReplyAction
}

/**
 * One handled request, as the store saw it.
 *
 * @example
 * ```ts
 * import type { RecordedRequest } from "@effect-taxonomy/testing/FakeTaxonomyApi"
 * import * as Option from "effect/Option"
 *
 * const firstPageOk = (r: RecordedRequest) => !r.hasTokenParam && Option.isNone(r.token) && r.status === 200
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  /** 0-based count of requests to this store (not reset by `clearRequests`). */
  readonly index: number
  readonly requestId: string
  /** Upper-case. */
  readonly method: string
  /** As given to `handle`. */
  readonly url: string
  readonly path: string
  /** The raw query string, without `?` (`""` when none). */
  readonly query: string
  /** Whether the query had a `pagination_token` key at all. */
  readonly hasTokenParam: boolean
  /** The `pagination_token` value after URL decoding, byte for byte. */
  readonly token: Option.Option<string>
  /** The segment offset the request asked for (when it reached the page handler). */
  readonly offset: Option.Option<number>
  /** The 1-based page the request asked for (when it reached the page handler). */
  readonly page: Option.Option<number>
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly status: number
  /** The fault the plan applied to this request. */
  readonly fault: Option.Option<FaultPlan.Fault>
}

/**
 * A fake API store.
 *
 * @example
 * ```ts
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 * import * as SeedData from "@effect-taxonomy/testing/SeedData"
 *
 * const seed = SeedData.generateImport({ seed: 3, count: 10 })
 * const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 4 })
 * api.handle({ method: "GET", url: `/imports/${seed.importId}/segments`, headers: {} }, 0)
 * console.log(api.requests.length, api.tokenFor(seed.importId, 2).startsWith("+/")) // 1 true
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeTaxonomyApi {
  /** Handle one request; `now` (epoch ms) dates `Retry-After` HTTP dates. */
  readonly handle: (request: FakeRequest, now: number) => FakeReply
  /** A snapshot of the request log, oldest first. */
  readonly requests: ReadonlyArray<RecordedRequest>
  /** Empty the request log (request indexes keep counting). */
  readonly clearRequests: () => void
  /** Replace the fault plan (its state starts afresh). */
  readonly setFaultPlan: (plan: FaultPlan.FaultPlan) => void
  /** Empty the log, restart request indexes at 0 and restart the fault plan. */
  readonly reset: () => void
  /** The store's imports, by import id. */
  readonly imports: ReadonlyMap<string, ReadonlyArray<WireSegment>>
  readonly pageSize: number
  /** The token that fetches 1-based page `page` of an import. */
  readonly tokenFor: (importId: string, page: number) => string
  /** Whether the store would accept `token` for the import. */
  readonly isValidToken: (importId: string, token: string) => boolean
}

/**
 * Build a store.
 *
 * Routing and validation, in order: CORS preflight (`OPTIONS` when `cors`);
 * unknown path: 404 `DoesNotExist`; method other than `GET`: 405
 * `VerbNotImplemented`; API key (when `apiKey`): 401; a non-UUID import id:
 * 400 `text/plain` `Invalid value for: path parameter importId`; a token
 * that does not decode: 400 `text/plain` `Invalid value for: query parameter
 * pagination_token`; unknown import: 404 `{"requestId", "error": {"DoesNotExist": {"c": "Import <id> does not exist"}}}`;
 * a token of another import or beyond the end: 400 `text/plain`. Then the
 * fault plan, then the page. An empty `pagination_token` is treated like
 * none (page one again), as the real service does.
 *
 * @example
 * ```ts
 * import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
 * import * as SeedData from "@effect-taxonomy/testing/SeedData"
 *
 * const api = FakeTaxonomyApi.make({
 *   imports: SeedData.generateImports({ seed: 1, count: 3 }),
 *   basePath: "/audience-api/v1",
 *   cors: true
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options: Options) => FakeTaxonomyApi = internal.make

/**
 * The JSON text of an error envelope, as the store sends it (no store needed).
 *
 * @example
 * ```ts
 * import { errorBody } from "@effect-taxonomy/testing/FakeTaxonomyApi"
 *
 * errorBody({ variant: "DoesNotExist", form: "wrapper", requestId: "9b1c...", status: 404, cause: "Import x does not exist" })
 * // {"requestId":"9b1c...","error":{"DoesNotExist":{"c":"Import x does not exist"}}}
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const errorBody: (options: {
  readonly variant: Variant
  readonly form: ErrorForm
  readonly requestId: string
  readonly status: number
  readonly cause?: string | undefined
  readonly details?: Readonly<Record<string, unknown>> | undefined
}) => string = Errors.errorBody
