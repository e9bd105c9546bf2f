/**
 * Turns a failed response or a transport failure into a TaxonomyError,
 * following WIRE-FORMAT.md §4 in order: a variant name (wrapper key or a
 * tag-like field); the documented envelope; the contract's envelope; the
 * HTTP status.
 *
 * @internal
 */
import * as Predicate from "effect/Predicate"
import * as Error from "../TaxonomyError.js"

/** @internal */
export interface RequestContext {
  readonly importId: string
  readonly pageToken: string | undefined
}

/** @internal */
export interface FailedResponse extends RequestContext {
  readonly status: number
  readonly contentType: string | undefined
  readonly retryAfter: string | undefined
  /** The body text, with the API key already scrubbed out. */
  readonly body: string
  readonly keySent: boolean
  readonly now: number
}

const EXCERPT = 200

/** @internal */
export const excerpt = (text: string): string => {
  const flat = text.replace(/\s+/g, " ").trim()
  return flat.length > EXCERPT ? flat.slice(0, EXCERPT - 1) + "…" : flat
}

/**
 * `Retry-After` in either form: delta-seconds or an HTTP-date. Returns
 * milliseconds to wait (0 for a date in the past), or undefined when the
 * header is absent or unreadable.
 *
 * @internal
 */
export const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (trimmed === "") return undefined
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  if (/^\d+\.\d+$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  // an HTTP-date: IMF-fixdate, or the obsolete RFC 850 and asctime forms (RFC 9110 §5.6.7);
  // anything else is unreadable (Date.parse alone reads "Retry 3000" as the year 3000)
  if (!httpDate.some((form) => form.test(trimmed))) return undefined
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

const httpDate: ReadonlyArray<RegExp> = [
  /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/
]

const tagLikeKeys = ["_tag", "type", "kind", "name", "variant", "errorType", "status", "code"] as const

const asRecord = (u: unknown): Record<string, unknown> | undefined =>
  Predicate.isRecord(u) && !Array.isArray(u) ? u : undefined

const str = (u: unknown): string | undefined => typeof u === "string" ? u : undefined
const num = (u: unknown): number | undefined => typeof u === "number" && Number.isFinite(u) ? u : undefined

const isVariant = (u: unknown): u is Error.ApiErrorTag =>
  typeof u === "string" && Object.prototype.hasOwnProperty.call(Error.apiErrorDescriptions, u)

interface Found {
  readonly tag: Error.ApiErrorTag
  readonly payload: Record<string, unknown> | undefined
}

const wrapperKey = (obj: Record<string, unknown> | undefined): Found | undefined => {
  if (obj === undefined) return undefined
  for (const key of Object.keys(obj)) {
    if (isVariant(key)) {
      const value = obj[key]
      if (value === null || asRecord(value) !== undefined) return { tag: key, payload: asRecord(value) }
      // { "DoesNotExist": "Import ... does not exist" }: the text is the cause
      if (typeof value === "string") return { tag: key, payload: { c: value } }
    }
  }
  return undefined
}

const tagField = (obj: Record<string, unknown> | undefined): Found | undefined => {
  if (obj === undefined) return undefined
  for (const key of tagLikeKeys) {
    const value = obj[key]
    if (isVariant(value)) return { tag: value, payload: obj }
  }
  return undefined
}

const statusTag = (status: number, keySent: boolean): Error.ApiErrorTag => {
  switch (status) {
    case 400:
      return "InvalidParameters"
    case 401:
      return keySent ? "InvalidAPIKey" : "AuthorizationMissing"
    case 403:
      return "AuthorizationFailed"
    case 404:
      return "DoesNotExist"
    case 405:
      return "VerbNotImplemented"
    case 409:
      return "AlreadyExists"
    case 410:
      return "RouteDeprecated"
    case 500:
      return "UnspecifiedInternalError"
    default:
      return "UnknownError"
  }
}

type Mutable<T> = { -readonly [K in keyof T]?: T[K] | undefined }

const defined = <A extends object>(a: A): A => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(a)) if (v !== undefined) out[k] = v
  return out as A
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** @internal */
export const classifyResponse = (r: FailedResponse): Error.TaxonomyError => {
  const retryAfterMillis = parseRetryAfter(r.retryAfter, r.now)
  const json = r.body.trim() === "" ? undefined : asRecord(parseJson(r.body))
  const context = { importId: r.importId, pageToken: r.pageToken }
  const requestId = json !== undefined ? str(json.requestId) ?? str(json.request_id) : undefined

  if (r.status === 429) {
    return new Error.RateLimited(defined({
      ...context,
      status: 429,
      requestId,
      retryAfterMillis,
      bodyExcerpt: r.body === "" ? undefined : excerpt(r.body)
    }))
  }

  const fields: Mutable<typeof Error.DoesNotExist.Type & { reportedStatus: number }> = {
    ...context,
    status: r.status,
    requestId,
    retryAfterMillis
  }
  let tag: Error.ApiErrorTag | undefined

  if (json !== undefined) {
    const error = asRecord(json.error)
    // { "error": "InvalidAPIKey" }: the variant's name; { "error": "some text" }: the cause
    const named: Found | undefined = isVariant(json.error) ? { tag: json.error, payload: undefined } : undefined
    if (typeof json.error === "string" && named === undefined) fields.causeText = json.error
    const found = wrapperKey(json) ?? wrapperKey(error) ?? tagField(error) ?? named ?? tagField(json)
    if (error !== undefined) {
      // the documented envelope: { request_id, error: { status, code, message, cause, docs } }
      fields.apiStatus = str(error.status)
      fields.apiCode = num(error.code)
      fields.apiMessage = str(error.message)
      fields.causeText = str(error.cause)
      fields.docs = str(error.docs)
      // the contract's envelope: { requestId, error: { c, d } }
      fields.causeText = str(error.c) ?? fields.causeText
      if (error.d !== undefined) fields.details = error.d
    }
    if (found !== undefined) {
      tag = found.tag
      const p = found.payload
      if (p !== undefined) {
        fields.causeText = str(p.c) ?? fields.causeText
        if (p.d !== undefined) fields.details = p.d
        if (tag === "UnknownError") {
          fields.reportedStatus = num(asRecord(p.s)?.code) ?? num(p.s)
          fields.apiCode = num(p.co) ?? fields.apiCode
          fields.apiMessage = str(p.m) ?? fields.apiMessage
        }
      }
    }
    if (found === undefined && error === undefined && fields.causeText === undefined) {
      fields.bodyExcerpt = excerpt(r.body)
    }
  } else if (r.status === 400 && (r.contentType ?? "").toLowerCase().startsWith("text/plain")) {
    // request validation: 400 text/plain "Invalid value for: path parameter importId"
    tag = "InvalidParameters"
    fields.causeText = excerpt(r.body)
  } else {
    // HTML gateway pages, empty and truncated bodies
    fields.bodyExcerpt = excerpt(r.body)
  }

  const finalTag = tag ?? statusTag(r.status, r.keySent)
  if (finalTag !== "UnknownError") delete fields.reportedStatus
  return new Error.ApiErrorClasses[finalTag](defined(fields) as never)
}

const codeOf = (cause: unknown): { code: string | undefined; message: string } => {
  let current: unknown = cause
  let message = ""
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const rec = current as { code?: unknown; message?: unknown; cause?: unknown }
    if (message === "" && typeof rec.message === "string") message = rec.message
    if (typeof rec.code === "string") {
      return { code: rec.code, message: typeof rec.message === "string" && rec.message !== "" ? rec.message : message }
    }
    current = rec.cause
  }
  return { code: undefined, message: message === "" ? String(cause) : message }
}

/** @internal */
export const transportReason = (cause: unknown): { reason: Error.TransportError["reason"]; description: string } => {
  const { code, message } = codeOf(cause)
  const description = code !== undefined && !message.includes(code) ? `${code}: ${message}` : message
  switch (code) {
    case "ECONNREFUSED":
      return { reason: "ConnectionRefused", description }
    case "ECONNRESET":
    case "EPIPE":
    case "UND_ERR_SOCKET":
    case "UND_ERR_CLOSED":
      return { reason: "ConnectionReset", description }
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return { reason: "DnsLookup", description }
    default:
      if (code !== undefined && (code.startsWith("ERR_TLS") || code.includes("CERT"))) {
        return { reason: "Tls", description }
      }
      return { reason: "Other", description }
  }
}
