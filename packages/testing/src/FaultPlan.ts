/**
 * Faults the fake Taxonomy API can inject, and plans that decide which
 * request meets which fault.
 *
 * A fault never changes the data: a faulted request returns no page (or, for
 * the "success" faults `Slow` and `WrongContentType`, exactly the page it
 * would have returned), and the retried request returns exactly the same page
 * as an unfaulted one would. Pages are numbered from 1; request indexes from 0.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * // fail page 3 with a 503 twice, then serve it
 * const plan = FaultPlan.scripted([
 *   { page: 3, times: 2, fault: FaultPlan.serverError({ status: 503 }) }
 * ])
 * ```
 *
 * @since 0.1.0
 */
import type { ErrorForm, Variant } from "./FakeTaxonomyApi.js"

/**
 * How a `429` or `5xx` says when to come back: `Retry-After: <seconds>`,
 * `Retry-After: <HTTP-date>` that many seconds ahead of the request's `now`
 * (rounded up to the next whole second, since HTTP dates have no
 * fractions), or no header at all.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const header: FaultPlan.RetryAfter = FaultPlan.retryAfterHttpDate(30)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type RetryAfter =
  | { readonly _tag: "Seconds"; readonly seconds: number }
  | { readonly _tag: "HttpDate"; readonly secondsAhead: number }
  | { readonly _tag: "None" }

/**
 * `Retry-After: <seconds>` (delta-seconds).
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * FaultPlan.rateLimit(FaultPlan.retryAfterSeconds(2))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const retryAfterSeconds = (seconds: number): RetryAfter => ({ _tag: "Seconds", seconds })

/**
 * `Retry-After: <HTTP-date>`, `secondsAhead` seconds after the request.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * FaultPlan.rateLimit(FaultPlan.retryAfterHttpDate(5))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const retryAfterHttpDate = (secondsAhead: number): RetryAfter => ({ _tag: "HttpDate", secondsAhead })

/**
 * No `Retry-After` header.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * FaultPlan.rateLimit(FaultPlan.noRetryAfter)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const noRetryAfter: RetryAfter = { _tag: "None" }

/**
 * The body of an injected server error: the JSON error envelope, a
 * gateway's HTML page, nothing at all, or JSON cut off halfway (a complete
 * HTTP response whose JSON does not parse).
 *
 * @example
 * ```ts
 * import type * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const body: FaultPlan.ServerErrorBody = "html"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ServerErrorBody = "json" | "html" | "empty" | "truncated-json"

/**
 * Every fault the fake can inject.
 *
 * - `RateLimit`: `429 Too Many Requests`, with or without `Retry-After`.
 * - `ServerError`: `500`/`502`/`503`/`504` with the given body.
 * - `ApiError`: one of the 23 `HttpError` variants in one of the three
 *   envelope forms, at its canonical status or `status`.
 * - `TextBadRequest`: `400 text/plain` (request validation).
 * - `ResetBeforeHeaders`: the connection is reset before any byte of the
 *   response.
 * - `ResetMidBody`: valid `200` headers, `afterBytes` of the body, then a reset.
 * - `TruncatedBody`: `200` whose `Content-Length` is larger than the
 *   `sentBytes` actually sent before the connection closes.
 * - `Slow`: the normal response, `delayMs` late.
 * - `KeepAliveReset`: the server had closed the idle keep-alive connection
 *   the request was sent on (the request meets a reset if its connection
 *   already served a request; in memory always a transport failure).
 * - `WrongContentType`: the normal page served as `text/plain` (a success).
 * - `RepeatToken`: a valid page whose next token is the token it was
 *   fetched with (the first page, fetched without one, points at itself).
 * - `TokenCycle`: a valid page whose next token points back at page `toPage`.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const faults: ReadonlyArray<FaultPlan.Fault> = [
 *   FaultPlan.rateLimit(),
 *   FaultPlan.serverError({ status: 502, body: "html" }),
 *   FaultPlan.resetMidBody()
 * ]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Fault =
  | RateLimit
  | ServerError
  | ApiError
  | TextBadRequest
  | ResetBeforeHeaders
  | ResetMidBody
  | TruncatedBody
  | Slow
  | KeepAliveReset
  | WrongContentType
  | RepeatToken
  | TokenCycle

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const fault: FaultPlan.RateLimit = FaultPlan.rateLimit(FaultPlan.retryAfterSeconds(3))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimit {
  readonly _tag: "RateLimit"
  readonly retryAfter: RetryAfter
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const fault: FaultPlan.ServerError = FaultPlan.serverError({ status: 503, body: "empty" })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerError {
  readonly _tag: "ServerError"
  readonly status: 500 | 502 | 503 | 504
  readonly body: ServerErrorBody
  readonly retryAfter: RetryAfter
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const fault: FaultPlan.ApiError = FaultPlan.apiError("InvalidAPIKey", { form: "documented" })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiError {
  readonly _tag: "ApiError"
  readonly variant: Variant
  readonly form: ErrorForm
  /** Overrides the variant's canonical HTTP status. */
  readonly status?: number
  /** The cause text (`c` / `cause`); a default naming the import otherwise. */
  readonly cause?: string
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const fault: FaultPlan.TextBadRequest = FaultPlan.textBadRequest()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TextBadRequest {
  readonly _tag: "TextBadRequest"
  readonly message: string
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const fault: FaultPlan.ResetBeforeHeaders = FaultPlan.resetBeforeHeaders
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ResetBeforeHeaders {
  readonly _tag: "ResetBeforeHeaders"
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const fault: FaultPlan.ResetMidBody = FaultPlan.resetMidBody({ afterBytes: 64 })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ResetMidBody {
  readonly _tag: "ResetMidBody"
  /** Bytes of the body sent before the reset; half the body by default. */
  readonly afterBytes?: number
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const fault: FaultPlan.TruncatedBody = FaultPlan.truncatedBody()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TruncatedBody {
  readonly _tag: "TruncatedBody"
  /** Bytes of the body actually sent; half the body by default. */
  readonly sentBytes?: number
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const fault: FaultPlan.Slow = FaultPlan.slow(5_000)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Slow {
  readonly _tag: "Slow"
  readonly delayMs: number
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const fault: FaultPlan.KeepAliveReset = FaultPlan.keepAliveReset
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface KeepAliveReset {
  readonly _tag: "KeepAliveReset"
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const fault: FaultPlan.WrongContentType = FaultPlan.wrongContentType
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface WrongContentType {
  readonly _tag: "WrongContentType"
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const fault: FaultPlan.RepeatToken = FaultPlan.repeatToken
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RepeatToken {
  readonly _tag: "RepeatToken"
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const fault: FaultPlan.TokenCycle = FaultPlan.tokenCycle(1)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenCycle {
  readonly _tag: "TokenCycle"
  /** The (1-based) page the next token points back to. */
  readonly toPage: number
}

/**
 * `429 Too Many Requests`; `Retry-After: 1` unless told otherwise.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * FaultPlan.rateLimit() // Retry-After: 1
 * FaultPlan.rateLimit(FaultPlan.retryAfterHttpDate(10))
 * FaultPlan.rateLimit(FaultPlan.noRetryAfter)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const rateLimit = (retryAfter: RetryAfter = retryAfterSeconds(1)): RateLimit => ({
  _tag: "RateLimit",
  retryAfter
})

/**
 * A server error; `503` with the JSON envelope and no `Retry-After` by default.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * FaultPlan.serverError({ status: 502, body: "html" })
 * FaultPlan.serverError({ status: 500, body: "truncated-json" })
 * FaultPlan.serverError({ status: 503, body: "empty", retryAfter: FaultPlan.retryAfterSeconds(2) })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const serverError = (options: {
  readonly status?: ServerError["status"]
  readonly body?: ServerErrorBody
  readonly retryAfter?: RetryAfter
} = {}): ServerError => ({
  _tag: "ServerError",
  status: options.status ?? 503,
  body: options.body ?? "json",
  retryAfter: options.retryAfter ?? noRetryAfter
})

/**
 * An `HttpError` variant in an envelope form (`"wrapper"` by default).
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * FaultPlan.apiError("DoesNotExist")
 * FaultPlan.apiError("InvalidAPIKey", { form: "documented" })
 * FaultPlan.apiError("UnknownError", { form: "tagged", status: 418, cause: "teapot" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const apiError = (variant: Variant, options: {
  readonly form?: ErrorForm
  readonly status?: number
  readonly cause?: string
} = {}): ApiError => ({
  _tag: "ApiError",
  variant,
  form: options.form ?? "wrapper",
  ...(options.status !== undefined ? { status: options.status } : {}),
  ...(options.cause !== undefined ? { cause: options.cause } : {})
})

/**
 * `400 text/plain`, by default `Invalid value for: query parameter pagination_token`.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * FaultPlan.textBadRequest("Invalid value for: path parameter importId")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const textBadRequest = (
  message: string = "Invalid value for: query parameter pagination_token"
): TextBadRequest => ({ _tag: "TextBadRequest", message })

/**
 * The connection is reset before the response starts.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plan = FaultPlan.scripted([{ index: 0, fault: FaultPlan.resetBeforeHeaders }])
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const resetBeforeHeaders: ResetBeforeHeaders = { _tag: "ResetBeforeHeaders" }

/**
 * Valid `200` headers, part of the body, then a connection reset.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * FaultPlan.resetMidBody() // half the body
 * FaultPlan.resetMidBody({ afterBytes: 10 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const resetMidBody = (options: { readonly afterBytes?: number } = {}): ResetMidBody => ({
  _tag: "ResetMidBody",
  ...(options.afterBytes !== undefined ? { afterBytes: options.afterBytes } : {})
})

/**
 * `200` declaring more `Content-Length` than it sends, then the connection closes.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * FaultPlan.truncatedBody({ sentBytes: 20 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const truncatedBody = (options: { readonly sentBytes?: number } = {}): TruncatedBody => ({
  _tag: "TruncatedBody",
  ...(options.sentBytes !== undefined ? { sentBytes: options.sentBytes } : {})
})

/**
 * The normal response after `delayMs` milliseconds (choose it longer than
 * the client's timeout to test timeouts).
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * FaultPlan.slow(10_000)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const slow = (delayMs: number): Slow => ({ _tag: "Slow", delayMs })

/**
 * The request arrives on a keep-alive connection the server already closed.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plan = FaultPlan.scripted([{ page: 2, fault: FaultPlan.keepAliveReset, times: 1 }])
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const keepAliveReset: KeepAliveReset = { _tag: "KeepAliveReset" }

/**
 * The normal page, labelled `text/plain`.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plan = FaultPlan.always(FaultPlan.wrongContentType)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const wrongContentType: WrongContentType = { _tag: "WrongContentType" }

/**
 * A page whose next token is the token it was fetched with.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plan = FaultPlan.scripted([{ page: 2, fault: FaultPlan.repeatToken }])
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const repeatToken: RepeatToken = { _tag: "RepeatToken" }

/**
 * A page whose next token points back at page `toPage` (1 by default).
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plan = FaultPlan.scripted([{ page: 3, fault: FaultPlan.tokenCycle(1) }])
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const tokenCycle = (toPage: number = 1): TokenCycle => ({ _tag: "TokenCycle", toPage })

/**
 * The faults a well-behaved client should ride out with a bounded retry:
 * 429 (seconds, HTTP-date, no header), 500/502/503/504 with each body kind,
 * resets before headers and mid-body, truncated bodies and keep-alive resets.
 * The default fault list of {@link random}.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plan = FaultPlan.random({ seed: 1, rate: 0.3, faults: FaultPlan.transientFaults })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const transientFaults: ReadonlyArray<Fault> = [
  rateLimit(retryAfterSeconds(1)),
  rateLimit(retryAfterHttpDate(2)),
  rateLimit(noRetryAfter),
  serverError({ status: 500, body: "json" }),
  serverError({ status: 500, body: "truncated-json" }),
  serverError({ status: 502, body: "html" }),
  serverError({ status: 503, body: "empty" }),
  serverError({ status: 504, body: "html" }),
  resetBeforeHeaders,
  resetMidBody(),
  truncatedBody(),
  keepAliveReset
]

/**
 * Which requests meet which faults.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plans: ReadonlyArray<FaultPlan.FaultPlan> = [
 *   FaultPlan.none,
 *   FaultPlan.scripted([{ index: 0, fault: FaultPlan.rateLimit() }]),
 *   FaultPlan.random({ seed: 7, rate: 0.2 })
 * ]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type FaultPlan = None | Scripted | Random

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plan: FaultPlan.None = FaultPlan.none
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface None {
  readonly _tag: "None"
}

/**
 * One scripted fault. Every criterion given must match (none given: every
 * request matches); `times` limits the entry to the first N matching
 * requests (default: every matching request).
 *
 * - `index`: the 0-based count of requests to this store (every request the
 *   store handled, whatever its outcome, CORS preflights included).
 * - `page`: the 1-based page the request asks for (no token: page 1).
 * - `token`: the `pagination_token` exactly as received (after URL decoding).
 * - `importId`: the import the request asks for.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const entry: FaultPlan.ScriptEntry = { page: 3, times: 2, fault: FaultPlan.serverError({ status: 503 }) }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ScriptEntry {
  readonly fault: Fault
  readonly index?: number
  readonly page?: number
  readonly token?: string
  readonly importId?: string
  readonly times?: number
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plan: FaultPlan.Scripted = FaultPlan.scripted([{ index: 1, fault: FaultPlan.resetBeforeHeaders }])
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Scripted {
  readonly _tag: "Scripted"
  readonly entries: ReadonlyArray<ScriptEntry>
}

/**
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plan: FaultPlan.Random = FaultPlan.random({ seed: 3, rate: 0.5, maxConsecutive: 2 })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Random {
  readonly _tag: "Random"
  readonly seed: number
  readonly rate: number
  readonly faults: ReadonlyArray<Fault>
  readonly maxConsecutive: number
}

/**
 * No faults.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plan = FaultPlan.none
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const none: None = { _tag: "None" }

/**
 * Faults at given requests, pages or tokens. The first entry that matches
 * and has uses left applies.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * // fail page 3 with a 503 twice, then serve it; rate-limit the very first request
 * const plan = FaultPlan.scripted([
 *   { index: 0, fault: FaultPlan.rateLimit(FaultPlan.retryAfterSeconds(1)) },
 *   { page: 3, times: 2, fault: FaultPlan.serverError({ status: 503 }) }
 * ])
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const scripted = (entries: ReadonlyArray<ScriptEntry>): Scripted => ({ _tag: "Scripted", entries })

/**
 * The same fault on every request.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plan = FaultPlan.always(FaultPlan.apiError("InvalidAPIKey"))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const always = (fault: Fault): Scripted => scripted([{ fault }])

/**
 * Seeded, reproducible random faults: each request faults with probability
 * `rate`, with a fault picked uniformly from `faults` (default
 * {@link transientFaults}; repeat an entry to weight it). A page never
 * faults more than `maxConsecutive` (default 3) times in a row, so a client
 * retrying at least that many times always gets every page. The same seed
 * and the same sequence of requests give the same faults.
 *
 * @example
 * ```ts
 * import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
 *
 * const plan = FaultPlan.random({ seed: 42, rate: 0.3, maxConsecutive: 2 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const random = (options: {
  readonly seed: number
  readonly rate: number
  readonly faults?: ReadonlyArray<Fault>
  readonly maxConsecutive?: number
}): Random => ({
  _tag: "Random",
  seed: options.seed,
  rate: options.rate,
  faults: options.faults ?? transientFaults,
  maxConsecutive: options.maxConsecutive ?? 3
})
