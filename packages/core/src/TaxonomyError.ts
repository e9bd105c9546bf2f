/**
 * Every way a Taxonomy API call can fail, as a value you can `catchTag` on.
 *
 * - One `Schema.TaggedError` per `HttpError` variant of the API's contract
 *   (23 of them, named exactly as the contract names them).
 * - The client's own failures: {@link RateLimited}, {@link TransportError},
 *   {@link RequestTimeout}, {@link DeadlineExceeded}, {@link MalformedResponse},
 *   {@link PaginationLoop}, {@link InvalidImportId}, {@link InvalidPageToken},
 *   {@link InvalidOptions}.
 *
 * Every error carries the import id and the pagination token of the request
 * it concerns, and, when it ends a stream, how many segments were emitted
 * before it: resume with `segments(importId, { from: error.pageToken })`.
 * No error ever carries the API key.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * The fields every error of this module has: which import and which page the
 * failed request was for, and (once the error ended a stream) how many
 * segments the stream had emitted.
 *
 * @example
 * ```ts
 * import { RequestContextFields } from "@effect-taxonomy/core/TaxonomyError"
 * import * as Schema from "effect/Schema"
 *
 * class ExportFailed extends Schema.TaggedError<ExportFailed>()("ExportFailed", {
 *   ...RequestContextFields,
 *   reason: Schema.String
 * }) {}
 * ```
 *
 * @since 0.1.0
 * @category fields
 */
export const RequestContextFields = {
  /** The import the request was for. */
  importId: Schema.optional(Schema.String),
  /** The pagination token of the failed request; absent for the first page. Resume from it. */
  pageToken: Schema.optional(Schema.String),
  /** Segments the stream had emitted before this error ended it (set by `pages` / `segments`). */
  segmentsEmitted: Schema.optional(Schema.NonNegativeInt)
}

/**
 * The fields of the 23 API error variants: the HTTP status, the request id
 * support asks for, and what the body said.
 *
 * @example
 * ```ts
 * import { ApiErrorFields } from "@effect-taxonomy/core/TaxonomyError"
 * import * as Schema from "effect/Schema"
 *
 * const Report = Schema.Struct(ApiErrorFields).pipe(Schema.pick("status", "requestId", "importId"))
 * Schema.decodeUnknownSync(Report)({ status: 404, requestId: "req-1" }) // { status: 404, requestId: "req-1" }
 * ```
 *
 * @since 0.1.0
 * @category fields
 */
export const ApiErrorFields = {
  ...RequestContextFields,
  /** The HTTP status of the response. */
  status: Schema.Int,
  /** The request id from the body (`requestId` or `request_id`), for support. */
  requestId: Schema.optional(Schema.String),
  /** The cause text: `c` of the contract's envelope, or `cause` of the documented one, or a text body. */
  causeText: Schema.optional(Schema.String),
  /** The JSON details: `d` of the contract's envelope. */
  details: Schema.optional(Schema.Unknown),
  /** The documented envelope's `message` (or `m` of `UnknownError`). */
  apiMessage: Schema.optional(Schema.String),
  /** The documented envelope's `code` subcode (or `co` of `UnknownError`). */
  apiCode: Schema.optional(Schema.Number),
  /** The documented envelope's `status` name, e.g. `"Unauthorized"`. */
  apiStatus: Schema.optional(Schema.String),
  /** The documented envelope's `docs` link. */
  docs: Schema.optional(Schema.String),
  /** A short excerpt of a body that was not a JSON error envelope (HTML, text, empty, truncated). */
  bodyExcerpt: Schema.optional(Schema.String),
  /** The delay the server asked for in `Retry-After`, in milliseconds. */
  retryAfterMillis: Schema.optional(Schema.NonNegative)
}

/**
 * What an API error's `message` is built from; every API error variant has
 * these fields.
 *
 * @example
 * ```ts
 * import { DoesNotExist, type ApiErrorInfo } from "@effect-taxonomy/core/TaxonomyError"
 *
 * const summary = (e: ApiErrorInfo) => `HTTP ${e.status}, request id ${e.requestId ?? "none"}`
 * summary(new DoesNotExist({ status: 404, requestId: "req-1" })) // "HTTP 404, request id req-1"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiErrorInfo {
  readonly status: number
  readonly requestId?: string | undefined
  readonly importId?: string | undefined
  readonly pageToken?: string | undefined
  readonly causeText?: string | undefined
  readonly apiMessage?: string | undefined
  readonly bodyExcerpt?: string | undefined
  readonly retryAfterMillis?: number | undefined
  readonly segmentsEmitted?: number | undefined
}

/**
 * What each API error variant means and what to do about it; the source of
 * every variant's `message`.
 *
 * @example
 * ```ts
 * import { apiErrorDescriptions } from "@effect-taxonomy/core/TaxonomyError"
 *
 * apiErrorDescriptions.DoesNotExist.status // 404
 * apiErrorDescriptions.DoesNotExist.summary // "The import does not exist"
 * ```
 *
 * @since 0.1.0
 * @category descriptions
 */
export const apiErrorDescriptions = {
  AlreadyExists: {
    status: 409,
    summary: "The resource already exists",
    advice: "Nothing to retry: the server says the thing you asked for exists already."
  },
  AuthorizationFailed: {
    status: 403,
    summary: "The request was not authorised",
    advice: "Check that the API key belongs to the workspace that owns this import."
  },
  AuthorizationFailedForAPIKey: {
    status: 403,
    summary: "The API key is not allowed to do this",
    advice: "Use a private key with access to this import's workspace."
  },
  AuthorizationFailedForUser: {
    status: 403,
    summary: "The user behind this key is not allowed to do this",
    advice: "Ask a workspace admin for access to this import."
  },
  AuthorizationMissing: {
    status: 401,
    summary: "No API key was sent",
    advice: "Set PERMUTIVE_API_KEY (or pass apiKey) so the client sends X-API-Key."
  },
  BadEncoding: {
    status: 400,
    summary: "The server could not decode the request",
    advice: "Report it: the client sent something the API could not read."
  },
  BadOrigin: {
    status: 403,
    summary: "The request's origin is not allowed",
    advice: "Call the API from your backend, not from a browser page."
  },
  DoesNotExist: {
    status: 404,
    summary: "The import does not exist",
    advice: "Check the import id, and that your key's workspace owns the import."
  },
  InsufficientAPIKey: {
    status: 403,
    summary: "The API key lacks the rights for this call",
    advice: "The Taxonomy API needs a private key; public keys are refused."
  },
  InvalidAPIKey: {
    status: 401,
    summary: "The API key was rejected",
    advice: "Check PERMUTIVE_API_KEY: it must be a valid private key (a UUID)."
  },
  InvalidHeader: {
    status: 400,
    summary: "A request header was invalid",
    advice: "Check any headers a transformClient adds; report it if none does."
  },
  InvalidParameters: {
    status: 400,
    summary: "The request's parameters were invalid",
    advice: "Check the import id and the pagination token you resumed from."
  },
  InvalidRequestBody: {
    status: 400,
    summary: "The request body was invalid",
    advice: "Report it: this endpoint takes no body."
  },
  MissingHeader: {
    status: 400,
    summary: "A required request header was missing",
    advice: "Check any proxy between you and the API; report it if there is none."
  },
  MissingOrigin: {
    status: 400,
    summary: "The request had no origin",
    advice: "Check any proxy between you and the API; report it if there is none."
  },
  MissingParameters: {
    status: 400,
    summary: "A required parameter was missing",
    advice: "Check the import id in the path."
  },
  MissingRequestBody: {
    status: 400,
    summary: "The request had no body",
    advice: "Report it: this endpoint takes no body."
  },
  RouteDeprecated: {
    status: 410,
    summary: "This API route is deprecated",
    advice: "Upgrade the client: the API no longer serves this route."
  },
  SchemeNotSupported: {
    status: 400,
    summary: "The authentication scheme is not supported",
    advice: "Send the key as X-API-Key (the client does this by default)."
  },
  UnknownError: {
    status: 500,
    summary: "The API reported an error the client does not know",
    advice: "Report it to Permutive support with this message if it persists."
  },
  UnspecifiedInternalError: {
    status: 500,
    summary: "The API failed internally",
    advice: "Report it to Permutive support with this message if it persists."
  },
  ValidationError: {
    status: 400,
    summary: "The request failed validation",
    advice: "Check the import id and the pagination token."
  },
  VerbNotImplemented: {
    status: 405,
    summary: "The HTTP method is not supported here",
    advice: "Only GET is supported on this route; check any proxy or transformClient."
  }
} as const satisfies Record<string, { readonly status: number; readonly summary: string; readonly advice: string }>

/**
 * The names of the API's 23 `HttpError` variants.
 *
 * @example
 * ```ts
 * import { apiErrorDescriptions, type ApiErrorTag } from "@effect-taxonomy/core/TaxonomyError"
 *
 * const statusOf = (tag: ApiErrorTag): number => apiErrorDescriptions[tag].status
 * statusOf("InvalidAPIKey") // 401
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ApiErrorTag = keyof typeof apiErrorDescriptions

/**
 * The 23 variant names, in the contract's order.
 *
 * @example
 * ```ts
 * import { apiErrorTags } from "@effect-taxonomy/core/TaxonomyError"
 *
 * apiErrorTags.length // 23
 * apiErrorTags[0] // "AlreadyExists"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const apiErrorTags = Object.keys(apiErrorDescriptions) as ReadonlyArray<ApiErrorTag>

const seconds = (ms: number) => ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(3)}s`

const transientStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

const where = (
  e: {
    readonly importId?: string | undefined
    readonly pageToken?: string | undefined
    readonly segmentsEmitted?: number | undefined
  }
) => {
  const parts: Array<string> = []
  if (e.importId !== undefined) parts.push(`import ${e.importId}`)
  parts.push(e.pageToken === undefined ? "first page" : `page token ${e.pageToken}`)
  if (e.segmentsEmitted !== undefined) parts.push(`${e.segmentsEmitted} segments emitted before it`)
  return parts.join(", ")
}

const apiMessage = (tag: ApiErrorTag, e: ApiErrorInfo): string => {
  const d = apiErrorDescriptions[tag]
  const said = [e.apiMessage, e.causeText].filter((s): s is string => s !== undefined && s !== "")
  const body = said.length > 0
    ? `: ${said.join(": ")}`
    : e.bodyExcerpt !== undefined
    ? ` (body: ${JSON.stringify(e.bodyExcerpt)})`
    : ""
  const rid = e.requestId !== undefined ? `, request id ${e.requestId}` : ""
  // a redirect: the client does not follow them, and only a wrong base URL leads to one
  const advice = e.status >= 300 && e.status < 400
    ? "The API answered with a redirect, which the client does not follow: set baseUrl to where it points."
    : d.advice
  return `${d.summary}${body} [HTTP ${e.status}${rid}; ${where(e)}]. ${advice} ${retryNote(e)}`
}

/** Whether an API error is worth retrying; {@link isTransient} for the whole union. */
const isTransientApiError = (e: ApiErrorInfo): boolean =>
  transientStatuses.has(e.status) || (e.status >= 500 && e.bodyExcerpt !== undefined)

/** The sentence of every API error's message that says whether retrying helps. */
const retryNote = (e: ApiErrorInfo): string => {
  if (!isTransientApiError(e)) return "Not transient: retrying will not help."
  const wait = e.retryAfterMillis !== undefined
    ? ` The server asked to wait ${
      seconds(e.retryAfterMillis)
    } (Retry-After); a wait beyond the retry policy's maxRetryAfter is not slept on.`
    : ""
  return `Transient: retried with backoff; if it persists, resume later from pageToken.${wait}`
}

/**
 * `AlreadyExists` (usually HTTP 409): the resource already exists. Nothing to retry: the server says the thing you asked for exists already.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("AlreadyExists", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class AlreadyExists
  extends Schema.TaggedError<AlreadyExists>("@effect-taxonomy/AlreadyExists")("AlreadyExists", ApiErrorFields)
{
  override get message(): string {
    return apiMessage("AlreadyExists", this)
  }
}

/**
 * `AuthorizationFailed` (usually HTTP 403): the request was not authorised. Check that the API key belongs to the workspace that owns this import.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("AuthorizationFailed", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class AuthorizationFailed
  extends Schema.TaggedError<AuthorizationFailed>("@effect-taxonomy/AuthorizationFailed")(
    "AuthorizationFailed",
    ApiErrorFields
  )
{
  override get message(): string {
    return apiMessage("AuthorizationFailed", this)
  }
}

/**
 * `AuthorizationFailedForAPIKey` (usually HTTP 403): the API key is not allowed to do this. Use a private key with access to this import's workspace.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("AuthorizationFailedForAPIKey", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class AuthorizationFailedForAPIKey
  extends Schema.TaggedError<AuthorizationFailedForAPIKey>("@effect-taxonomy/AuthorizationFailedForAPIKey")(
    "AuthorizationFailedForAPIKey",
    ApiErrorFields
  )
{
  override get message(): string {
    return apiMessage("AuthorizationFailedForAPIKey", this)
  }
}

/**
 * `AuthorizationFailedForUser` (usually HTTP 403): the user behind this key is not allowed to do this. Ask a workspace admin for access to this import.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("AuthorizationFailedForUser", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class AuthorizationFailedForUser
  extends Schema.TaggedError<AuthorizationFailedForUser>("@effect-taxonomy/AuthorizationFailedForUser")(
    "AuthorizationFailedForUser",
    ApiErrorFields
  )
{
  override get message(): string {
    return apiMessage("AuthorizationFailedForUser", this)
  }
}

/**
 * `AuthorizationMissing` (usually HTTP 401): no API key was sent. Set PERMUTIVE_API_KEY (or pass apiKey) so the client sends X-API-Key.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("AuthorizationMissing", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class AuthorizationMissing
  extends Schema.TaggedError<AuthorizationMissing>("@effect-taxonomy/AuthorizationMissing")(
    "AuthorizationMissing",
    ApiErrorFields
  )
{
  override get message(): string {
    return apiMessage("AuthorizationMissing", this)
  }
}

/**
 * `BadEncoding` (usually HTTP 400): the server could not decode the request. Report it: the client sent something the API could not read.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("BadEncoding", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class BadEncoding
  extends Schema.TaggedError<BadEncoding>("@effect-taxonomy/BadEncoding")("BadEncoding", ApiErrorFields)
{
  override get message(): string {
    return apiMessage("BadEncoding", this)
  }
}

/**
 * `BadOrigin` (usually HTTP 403): the request's origin is not allowed. Call the API from your backend, not from a browser page.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("BadOrigin", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class BadOrigin
  extends Schema.TaggedError<BadOrigin>("@effect-taxonomy/BadOrigin")("BadOrigin", ApiErrorFields)
{
  override get message(): string {
    return apiMessage("BadOrigin", this)
  }
}

/**
 * `DoesNotExist` (usually HTTP 404): the import does not exist. Check the import id, and that your key's workspace owns the import.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("DoesNotExist", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class DoesNotExist
  extends Schema.TaggedError<DoesNotExist>("@effect-taxonomy/DoesNotExist")("DoesNotExist", ApiErrorFields)
{
  override get message(): string {
    return apiMessage("DoesNotExist", this)
  }
}

/**
 * `InsufficientAPIKey` (usually HTTP 403): the API key lacks the rights for this call. The Taxonomy API needs a private key; public keys are refused.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("InsufficientAPIKey", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class InsufficientAPIKey extends Schema.TaggedError<InsufficientAPIKey>("@effect-taxonomy/InsufficientAPIKey")(
  "InsufficientAPIKey",
  ApiErrorFields
) {
  override get message(): string {
    return apiMessage("InsufficientAPIKey", this)
  }
}

/**
 * `InvalidAPIKey` (usually HTTP 401): the API key was rejected. Check PERMUTIVE_API_KEY: it must be a valid private key (a UUID).
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("InvalidAPIKey", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class InvalidAPIKey
  extends Schema.TaggedError<InvalidAPIKey>("@effect-taxonomy/InvalidAPIKey")("InvalidAPIKey", ApiErrorFields)
{
  override get message(): string {
    return apiMessage("InvalidAPIKey", this)
  }
}

/**
 * `InvalidHeader` (usually HTTP 400): a request header was invalid. Check any headers a transformClient adds; report it if none does.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("InvalidHeader", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class InvalidHeader
  extends Schema.TaggedError<InvalidHeader>("@effect-taxonomy/InvalidHeader")("InvalidHeader", ApiErrorFields)
{
  override get message(): string {
    return apiMessage("InvalidHeader", this)
  }
}

/**
 * `InvalidParameters` (usually HTTP 400): the request's parameters were invalid. Check the import id and the pagination token you resumed from.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("InvalidParameters", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class InvalidParameters extends Schema.TaggedError<InvalidParameters>("@effect-taxonomy/InvalidParameters")(
  "InvalidParameters",
  ApiErrorFields
) {
  override get message(): string {
    return apiMessage("InvalidParameters", this)
  }
}

/**
 * `InvalidRequestBody` (usually HTTP 400): the request body was invalid. Report it: this endpoint takes no body.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("InvalidRequestBody", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class InvalidRequestBody extends Schema.TaggedError<InvalidRequestBody>("@effect-taxonomy/InvalidRequestBody")(
  "InvalidRequestBody",
  ApiErrorFields
) {
  override get message(): string {
    return apiMessage("InvalidRequestBody", this)
  }
}

/**
 * `MissingHeader` (usually HTTP 400): a required request header was missing. Check any proxy between you and the API; report it if there is none.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("MissingHeader", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class MissingHeader
  extends Schema.TaggedError<MissingHeader>("@effect-taxonomy/MissingHeader")("MissingHeader", ApiErrorFields)
{
  override get message(): string {
    return apiMessage("MissingHeader", this)
  }
}

/**
 * `MissingOrigin` (usually HTTP 400): the request had no origin. Check any proxy between you and the API; report it if there is none.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("MissingOrigin", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class MissingOrigin
  extends Schema.TaggedError<MissingOrigin>("@effect-taxonomy/MissingOrigin")("MissingOrigin", ApiErrorFields)
{
  override get message(): string {
    return apiMessage("MissingOrigin", this)
  }
}

/**
 * `MissingParameters` (usually HTTP 400): a required parameter was missing. Check the import id in the path.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("MissingParameters", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class MissingParameters extends Schema.TaggedError<MissingParameters>("@effect-taxonomy/MissingParameters")(
  "MissingParameters",
  ApiErrorFields
) {
  override get message(): string {
    return apiMessage("MissingParameters", this)
  }
}

/**
 * `MissingRequestBody` (usually HTTP 400): the request had no body. Report it: this endpoint takes no body.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("MissingRequestBody", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class MissingRequestBody extends Schema.TaggedError<MissingRequestBody>("@effect-taxonomy/MissingRequestBody")(
  "MissingRequestBody",
  ApiErrorFields
) {
  override get message(): string {
    return apiMessage("MissingRequestBody", this)
  }
}

/**
 * `RouteDeprecated` (usually HTTP 410): this API route is deprecated. Upgrade the client: the API no longer serves this route.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("RouteDeprecated", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class RouteDeprecated
  extends Schema.TaggedError<RouteDeprecated>("@effect-taxonomy/RouteDeprecated")("RouteDeprecated", ApiErrorFields)
{
  override get message(): string {
    return apiMessage("RouteDeprecated", this)
  }
}

/**
 * `SchemeNotSupported` (usually HTTP 400): the authentication scheme is not supported. Send the key as X-API-Key (the client does this by default).
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("SchemeNotSupported", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class SchemeNotSupported extends Schema.TaggedError<SchemeNotSupported>("@effect-taxonomy/SchemeNotSupported")(
  "SchemeNotSupported",
  ApiErrorFields
) {
  override get message(): string {
    return apiMessage("SchemeNotSupported", this)
  }
}

/**
 * `UnknownError` (usually HTTP 500): the API reported an error the client does not know. Report it to Permutive support with this message if it persists. `reportedStatus` is `s.code`, `apiCode` is `co`, `apiMessage` is `m`.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("UnknownError", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class UnknownError extends Schema.TaggedError<UnknownError>("@effect-taxonomy/UnknownError")("UnknownError", {
  ...ApiErrorFields,
  reportedStatus: Schema.optional(Schema.Int)
}) {
  override get message(): string {
    return apiMessage("UnknownError", this)
  }
}

/**
 * `UnspecifiedInternalError` (usually HTTP 500): the API failed internally. Report it to Permutive support with this message if it persists.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("UnspecifiedInternalError", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class UnspecifiedInternalError
  extends Schema.TaggedError<UnspecifiedInternalError>("@effect-taxonomy/UnspecifiedInternalError")(
    "UnspecifiedInternalError",
    ApiErrorFields
  )
{
  override get message(): string {
    return apiMessage("UnspecifiedInternalError", this)
  }
}

/**
 * `ValidationError` (usually HTTP 400): the request failed validation. Check the import id and the pagination token.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("ValidationError", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class ValidationError
  extends Schema.TaggedError<ValidationError>("@effect-taxonomy/ValidationError")("ValidationError", ApiErrorFields)
{
  override get message(): string {
    return apiMessage("ValidationError", this)
  }
}

/**
 * `VerbNotImplemented` (usually HTTP 405): the HTTP method is not supported here. Only GET is supported on this route; check any proxy or transformClient.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("VerbNotImplemented", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export class VerbNotImplemented extends Schema.TaggedError<VerbNotImplemented>("@effect-taxonomy/VerbNotImplemented")(
  "VerbNotImplemented",
  ApiErrorFields
) {
  override get message(): string {
    return apiMessage("VerbNotImplemented", this)
  }
}

/**
 * Any of the API's 23 `HttpError` variants.
 *
 * @example
 * ```ts
 * import type { ApiError } from "@effect-taxonomy/core/TaxonomyError"
 *
 * const forSupport = (e: ApiError) => `${e._tag} (HTTP ${e.status}), request id ${e.requestId ?? "none"}`
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export type ApiError =
  | AlreadyExists
  | AuthorizationFailed
  | AuthorizationFailedForAPIKey
  | AuthorizationFailedForUser
  | AuthorizationMissing
  | BadEncoding
  | BadOrigin
  | DoesNotExist
  | InsufficientAPIKey
  | InvalidAPIKey
  | InvalidHeader
  | InvalidParameters
  | InvalidRequestBody
  | MissingHeader
  | MissingOrigin
  | MissingParameters
  | MissingRequestBody
  | RouteDeprecated
  | SchemeNotSupported
  | UnknownError
  | UnspecifiedInternalError
  | ValidationError
  | VerbNotImplemented

/**
 * The class of each API error variant, by tag.
 *
 * @example
 * ```ts
 * import { ApiErrorClasses } from "@effect-taxonomy/core/TaxonomyError"
 *
 * const error = new ApiErrorClasses.DoesNotExist({ status: 404, importId: "9f87bd3e-32eb-4d15-8e85-17fb275fa809" })
 * error._tag // "DoesNotExist"
 * ```
 *
 * @since 0.1.0
 * @category api errors
 */
export const ApiErrorClasses = {
  AlreadyExists,
  AuthorizationFailed,
  AuthorizationFailedForAPIKey,
  AuthorizationFailedForUser,
  AuthorizationMissing,
  BadEncoding,
  BadOrigin,
  DoesNotExist,
  InsufficientAPIKey,
  InvalidAPIKey,
  InvalidHeader,
  InvalidParameters,
  InvalidRequestBody,
  MissingHeader,
  MissingOrigin,
  MissingParameters,
  MissingRequestBody,
  RouteDeprecated,
  SchemeNotSupported,
  UnknownError,
  UnspecifiedInternalError,
  ValidationError,
  VerbNotImplemented
} as const

/**
 * The server answered `429 Too Many Requests`. Retried automatically (waiting
 * what `Retry-After` asks, up to the policy's maximum); it ends a stream only
 * when retries run out or the server asks for a wait longer than
 * `maxRetryAfter`, in which case `retryAfterMillis` says how long it asked for.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* Stream.runCount(client.segments("9f87bd3e-32eb-4d15-8e85-17fb275fa809"))
 * }).pipe(Effect.catchTag("RateLimited", (e) => Effect.logWarning(`come back in ${e.retryAfterMillis} ms`)))
 * ```
 *
 * @since 0.1.0
 * @category client errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("@effect-taxonomy/RateLimited")("RateLimited", {
  ...RequestContextFields,
  status: Schema.Int,
  requestId: Schema.optional(Schema.String),
  retryAfterMillis: Schema.optional(Schema.NonNegative),
  bodyExcerpt: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const wait = this.retryAfterMillis === undefined
      ? "no Retry-After given"
      : `asked to wait ${seconds(this.retryAfterMillis)}`
    const rid = this.requestId !== undefined ? `, request id ${this.requestId}` : ""
    return `Rate limited by the API, ${wait} [HTTP ${this.status}${rid}; ${where(this)}]. ` +
      `Transient: retried, waiting what Retry-After asks (a wait beyond the retry policy's maxRetryAfter is ` +
      `not slept on); if it persists, resume later from pageToken.`
  }
}

/**
 * The request never got a complete response: connection refused or reset,
 * DNS failure, TLS failure, or the body was cut off. Transient: retried.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("TransportError", (e) => Effect.logError(e.reason, e.description)))
 * ```
 *
 * @since 0.1.0
 * @category client errors
 */
export class TransportError extends Schema.TaggedError<TransportError>("@effect-taxonomy/TransportError")(
  "TransportError",
  {
    ...RequestContextFields,
    reason: Schema.Literal("ConnectionRefused", "ConnectionReset", "DnsLookup", "Tls", "BodyInterrupted", "Other"),
    description: Schema.String
  }
) {
  override get message(): string {
    return `Transport failure (${this.reason}): ${this.description} [${where(this)}]. ` +
      `Retried with backoff; check the network or base URL if it persists.`
  }
}

/**
 * One request took longer than the configured request timeout and was
 * aborted. Transient: retried.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("RequestTimeout", (e) => Effect.logError(e.timeoutMillis)))
 * ```
 *
 * @since 0.1.0
 * @category client errors
 */
export class RequestTimeout extends Schema.TaggedError<RequestTimeout>("@effect-taxonomy/RequestTimeout")(
  "RequestTimeout",
  { ...RequestContextFields, timeoutMillis: Schema.NonNegative }
) {
  override get message(): string {
    return `No response within ${seconds(this.timeoutMillis)}; the request was aborted [${where(this)}]. ` +
      `Retried with backoff; raise requestTimeout if the API is this slow.`
  }
}

/**
 * The whole stream ran past its `deadline` and was stopped. Not retried;
 * resume from `pageToken`.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* Stream.runCount(client.segments("9f87bd3e-32eb-4d15-8e85-17fb275fa809", { deadline: "1 minute" }))
 * }).pipe(Effect.catchTag("DeadlineExceeded", (e) => Effect.logWarning(`resume from ${e.pageToken}`)))
 * ```
 *
 * @since 0.1.0
 * @category client errors
 */
export class DeadlineExceeded extends Schema.TaggedError<DeadlineExceeded>("@effect-taxonomy/DeadlineExceeded")(
  "DeadlineExceeded",
  { ...RequestContextFields, deadlineMillis: Schema.NonNegative }
) {
  override get message(): string {
    return `The stream ran past its deadline of ${seconds(this.deadlineMillis)} [${where(this)}]. ` +
      `Resume from pageToken, or raise the deadline.`
  }
}

/**
 * A success response whose body is not a page: not JSON, or JSON that does
 * not match either wire spelling. Carries the path of the first problem and a
 * short excerpt of the body (never the whole body). Not retried.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * }).pipe(Effect.catchTag("MalformedResponse", (e) => Effect.logError(e.path, e.problem)))
 * ```
 *
 * @since 0.1.0
 * @category client errors
 */
export class MalformedResponse extends Schema.TaggedError<MalformedResponse>("@effect-taxonomy/MalformedResponse")(
  "MalformedResponse",
  {
    ...RequestContextFields,
    status: Schema.Int,
    requestId: Schema.optional(Schema.String),
    contentType: Schema.optional(Schema.String),
    /** Where the first problem is, e.g. `elements[3].updated_at`, or `(body)` when the body is not JSON. */
    path: Schema.String,
    /** What is wrong there. */
    problem: Schema.String,
    /** At most 200 characters of the body. */
    excerpt: Schema.String
  }
) {
  override get message(): string {
    return `The API's response is not a valid page: at ${this.path}: ${this.problem} ` +
      `[HTTP ${this.status}; ${where(this)}; body starts ${JSON.stringify(this.excerpt)}]. ` +
      `Not retried: report it with this message.`
  }
}

/**
 * The server handed out a pagination token it had already handed out in this
 * stream (for instance, the token it was just sent), or answered a new token
 * with a page that starts with the same segment as an earlier page (a server
 * that starts over under fresh tokens). Following it would loop forever or
 * emit segments twice, so the stream stops, after every page before it and
 * before the repeated one. Not retried, not resumable.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* Stream.runCount(client.segments("9f87bd3e-32eb-4d15-8e85-17fb275fa809"))
 * }).pipe(Effect.catchTag("PaginationLoop", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category client errors
 */
export class PaginationLoop extends Schema.TaggedError<PaginationLoop>("@effect-taxonomy/PaginationLoop")(
  "PaginationLoop",
  {
    ...RequestContextFields,
    /** The token the server handed out again (or the token that fetched the repeated page). */
    repeatedToken: Schema.String,
    /** When the page fetched by a new token starts with the same segment as an earlier page: that segment. */
    repeatedSegmentId: Schema.optional(Schema.String)
  }
) {
  override get message(): string {
    const what = this.repeatedSegmentId !== undefined
      ? `The API answered pagination token ${this.repeatedToken} with a page that starts with segment ` +
        `${this.repeatedSegmentId}, as an earlier page of import ${this.importId} did; following it would ` +
        `emit segments twice`
      : `The API returned pagination token ${this.repeatedToken} a second time for import ${this.importId}; ` +
        `following it would loop forever`
    return `${what} [${where(this)}]. Every page before it was emitted; not resumable (isResumable is false). ` +
      `Report it to Permutive support.`
  }
}

/**
 * The import id given is not a UUID. Raised before any request is sent.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("not-a-uuid")
 * }).pipe(Effect.catchTag("InvalidImportId", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category client errors
 */
export class InvalidImportId extends Schema.TaggedError<InvalidImportId>("@effect-taxonomy/InvalidImportId")(
  "InvalidImportId",
  { ...RequestContextFields, importId: Schema.String }
) {
  override get message(): string {
    return `Import id ${
      JSON.stringify(this.importId.length > 80 ? this.importId.slice(0, 80) + "…" : this.importId)
    } ` +
      `is not a UUID (expected e.g. 9f87bd3e-32eb-4d15-8e85-17fb275fa809); no request was sent.`
  }
}

/**
 * The pagination token given to start or resume from is empty. An empty token
 * means "last page" on the wire, and sending it back would fetch page one
 * again. Raised before any request is sent.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* client.page("9f87bd3e-32eb-4d15-8e85-17fb275fa809", { token: "" })
 * }).pipe(Effect.catchTag("InvalidPageToken", (e) => Effect.logError(e.message)))
 * ```
 *
 * @since 0.1.0
 * @category client errors
 */
export class InvalidPageToken extends Schema.TaggedError<InvalidPageToken>("@effect-taxonomy/InvalidPageToken")(
  "InvalidPageToken",
  RequestContextFields
) {
  override get message(): string {
    return `The pagination token to start from is empty for import ${this.importId}; an empty token means ` +
      `the previous page was the last. Omit the token to start from the first page; no request was sent.`
  }
}

/**
 * An option given to the client or to one call is unusable: a prefetch that
 * is not a whole number ≥ 0, `retry.maxAttempts` below 1, a duration that
 * does not parse, an empty API key or one with a space or control character
 * in it, a `from` entry for an import not in the list. Raised before any
 * request is sent; never retried. `option` names the option (e.g.
 * `retry.maxAttempts`); the key's value never appears.
 *
 * Options given to the layer are checked when it is built, and every
 * operation of that client fails with this error; options given to one call
 * fail only that call.
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* Stream.runCount(client.segments("9f87bd3e-32eb-4d15-8e85-17fb275fa809", { prefetch: -1 }))
 * }).pipe(Effect.catchTag("InvalidOptions", (e) => Effect.logError(e.option, e.problem)))
 * ```
 *
 * @since 0.1.0
 * @category client errors
 */
export class InvalidOptions extends Schema.TaggedError<InvalidOptions>("@effect-taxonomy/InvalidOptions")(
  "InvalidOptions",
  {
    ...RequestContextFields,
    /** The option, as you spell it in code: `prefetch`, `retry.maxAttempts`, `apiKey`, `from`... */
    option: Schema.String,
    /** What is wrong with it. */
    problem: Schema.String
  }
) {
  override get message(): string {
    const scope = this.importId !== undefined ? ` (import ${this.importId})` : ""
    return `Invalid option ${this.option}${scope}: ${this.problem}. No request was sent; not retried: fix the option.`
  }
}

/**
 * The client's own failures (not one of the API's variants).
 *
 * @example
 * ```ts
 * import type { ClientError } from "@effect-taxonomy/core/TaxonomyError"
 *
 * const where = (e: ClientError) => `${e._tag}: import ${e.importId}, token ${e.pageToken ?? "(first page)"}`
 * ```
 *
 * @since 0.1.0
 * @category client errors
 */
export type ClientError =
  | RateLimited
  | TransportError
  | RequestTimeout
  | DeadlineExceeded
  | MalformedResponse
  | PaginationLoop
  | InvalidImportId
  | InvalidPageToken
  | InvalidOptions

/**
 * Everything a `TaxonomyClient` operation can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type TaxonomyError = ApiError | ClientError

/**
 * Every error class of this module, by tag.
 *
 * @example
 * ```ts
 * import { TaxonomyErrorClasses } from "@effect-taxonomy/core/TaxonomyError"
 *
 * Object.keys(TaxonomyErrorClasses).length // 32
 * const timeout = new TaxonomyErrorClasses.RequestTimeout({ timeoutMillis: 30_000 })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const TaxonomyErrorClasses = {
  ...ApiErrorClasses,
  RateLimited,
  TransportError,
  RequestTimeout,
  DeadlineExceeded,
  MalformedResponse,
  PaginationLoop,
  InvalidImportId,
  InvalidPageToken,
  InvalidOptions
} as const

/**
 * A schema for the whole union, to serialise errors (e.g. to a dead-letter
 * queue) and read them back.
 *
 * @example
 * ```ts
 * import { DoesNotExist, TaxonomyError } from "@effect-taxonomy/core/TaxonomyError"
 * import * as Schema from "effect/Schema"
 *
 * const json = Schema.encodeSync(TaxonomyError)(new DoesNotExist({ status: 404 })) // { status: 404, _tag: "DoesNotExist" }
 * const error = Schema.decodeUnknownSync(TaxonomyError)(json)
 * error._tag // "DoesNotExist"
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TaxonomyError = Schema.Union(
  AlreadyExists,
  AuthorizationFailed,
  AuthorizationFailedForAPIKey,
  AuthorizationFailedForUser,
  AuthorizationMissing,
  BadEncoding,
  BadOrigin,
  DoesNotExist,
  InsufficientAPIKey,
  InvalidAPIKey,
  InvalidHeader,
  InvalidParameters,
  InvalidRequestBody,
  MissingHeader,
  MissingOrigin,
  MissingParameters,
  MissingRequestBody,
  RouteDeprecated,
  SchemeNotSupported,
  UnknownError,
  UnspecifiedInternalError,
  ValidationError,
  VerbNotImplemented,
  RateLimited,
  TransportError,
  RequestTimeout,
  DeadlineExceeded,
  MalformedResponse,
  PaginationLoop,
  InvalidImportId,
  InvalidPageToken,
  InvalidOptions
)

const tags: ReadonlySet<string> = new Set(Object.keys(TaxonomyErrorClasses))
const apiTags: ReadonlySet<string> = new Set(apiErrorTags)

/**
 * Whether a value is one of this module's errors.
 *
 * @example
 * ```ts
 * import { isTaxonomyError } from "@effect-taxonomy/core/TaxonomyError"
 *
 * isTaxonomyError(new Error("x")) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isTaxonomyError = (u: unknown): u is TaxonomyError =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && tags.has(u._tag) && u instanceof Error

/**
 * Whether a value is one of the API's 23 error variants.
 *
 * @example
 * ```ts
 * import { DoesNotExist, isApiError, RequestTimeout } from "@effect-taxonomy/core/TaxonomyError"
 *
 * isApiError(new DoesNotExist({ status: 404 })) // true
 * isApiError(new RequestTimeout({ timeoutMillis: 30_000 })) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isApiError = (u: unknown): u is ApiError => isTaxonomyError(u) && apiTags.has(u._tag)

/**
 * Whether retrying the same request can help: 408, 429, 500, 502, 503, 504,
 * transport failures, request timeouts, and any 5xx whose body was not a JSON
 * error envelope (a gateway page). Never another 4xx, never a malformed
 * success response, never a pagination loop or bad input.
 *
 * @example
 * ```ts
 * import { isTransient, RequestTimeout, DoesNotExist } from "@effect-taxonomy/core/TaxonomyError"
 *
 * isTransient(new RequestTimeout({ timeoutMillis: 30_000 })) // true
 * isTransient(new DoesNotExist({ status: 404 })) // false
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isTransient = (error: TaxonomyError): boolean => {
  switch (error._tag) {
    case "RateLimited":
    case "TransportError":
    case "RequestTimeout":
      return true
    case "DeadlineExceeded":
    case "MalformedResponse":
    case "PaginationLoop":
    case "InvalidImportId":
    case "InvalidPageToken":
    case "InvalidOptions":
      return false
    default:
      return isTransientApiError(error)
  }
}

/**
 * Whether the stream that ended with this error can be resumed from its
 * `pageToken` (`segments(importId, { from: error.pageToken })`) to get
 * exactly the segments not yet emitted: every error but a pagination loop
 * (every page up to the loop was emitted; its token names a page already
 * delivered) and bad input (nothing was fetched).
 *
 * @example
 * ```ts
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as TaxonomyError from "@effect-taxonomy/core/TaxonomyError"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const importId = "9f87bd3e-32eb-4d15-8e85-17fb275fa809"
 * const once = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return client.segments(importId).pipe(
 *     Stream.catchAll((error) =>
 *       TaxonomyError.isResumable(error) ? client.segments(importId, { from: error.pageToken }) : Stream.fail(error)
 *     )
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isResumable = (error: TaxonomyError): boolean => {
  switch (error._tag) {
    case "PaginationLoop":
    case "InvalidImportId":
    case "InvalidPageToken":
    case "InvalidOptions":
      return false
    default:
      return true
  }
}
