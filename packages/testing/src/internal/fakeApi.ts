import * as Option from "effect/Option"
import type * as FakeTaxonomyApi from "../FakeTaxonomyApi.js"
import type * as FaultPlan from "../FaultPlan.js"
import type { WireSegment } from "../SeedData.js"
import * as Errors from "./errors.js"
import * as FaultRunner from "./faultPlan.js"
import * as Prng from "./prng.js"
import * as Token from "./token.js"

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const segmentsPath = /^\/imports\/([^/]*)\/segments\/?$/

const INVALID_IMPORT_ID = "Invalid value for: path parameter importId"
const INVALID_TOKEN = "Invalid value for: query parameter pagination_token"

const encoder = new TextEncoder()

/** @internal */
export const byteLength = (s: string): number => encoder.encode(s).length

const normalizeBasePath = (basePath: string | undefined): string => {
  if (basePath === undefined || basePath === "" || basePath === "/") return ""
  const withSlash = basePath.startsWith("/") ? basePath : `/${basePath}`
  return withSlash.replace(/\/+$/, "")
}

const lowerHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const key of Object.keys(headers)) out[key.toLowerCase()] = headers[key]!
  return out
}

/** Splits `url` (a path with raw query, or an absolute URL) without re-encoding anything. */
const splitUrl = (url: string): { readonly path: string; readonly query: string } => {
  let rest = url
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest)
  if (scheme !== null) rest = rest.slice(scheme[0].length)
  const hash = rest.indexOf("#")
  if (hash >= 0) rest = rest.slice(0, hash)
  const q = rest.indexOf("?")
  const path = q >= 0 ? rest.slice(0, q) : rest
  return { path: path === "" ? "/" : path, query: q >= 0 ? rest.slice(q + 1) : "" }
}

const camelSegment = (segment: WireSegment): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(segment)) {
    out[key === "import_id" ? "importId" : key === "updated_at" ? "updatedAt" : key] = value
  }
  return out
}

const httpDate = (now: number, secondsAhead: number): string =>
  new Date(Math.ceil(now / 1000) * 1000 + secondsAhead * 1000).toUTCString()

const retryAfterHeader = (retryAfter: FaultPlan.RetryAfter, now: number): Record<string, string> => {
  switch (retryAfter._tag) {
    case "None":
      return {}
    case "Seconds":
      return { "retry-after": String(retryAfter.seconds) }
    case "HttpDate":
      return { "retry-after": httpDate(now, retryAfter.secondsAhead) }
  }
}

/** @internal */
export const make = (options: FakeTaxonomyApi.Options): FakeTaxonomyApi.FakeTaxonomyApi => {
  const store = new Map<string, ReadonlyArray<WireSegment>>()
  const imports = new Map<string, ReadonlyArray<WireSegment>>()
  for (const entry of options.imports) {
    store.set(entry.importId.toLowerCase(), entry.segments)
    imports.set(entry.importId, entry.segments)
  }
  const pageSize = Math.max(1, Math.trunc(options.pageSize ?? 100))
  const defaultCasing = options.casing ?? "snake"
  const basePath = normalizeBasePath(options.basePath)
  const lastPage = options.lastPage ?? "absent"
  const errorForm = options.errorForm ?? "wrapper"
  const cors = options.cors ?? false
  const seed = Prng.seedOf(options.seed ?? 0)
  const apiKey = options.apiKey

  let plan: FaultPlan.FaultPlan = options.faults ?? { _tag: "None" }
  let runner = FaultRunner.makeRunner(plan)
  let counter = 0
  let log: Array<FakeTaxonomyApi.RecordedRequest> = []

  const tokenFor = (importId: string, page: number): string =>
    Token.encode(importId, Math.max(0, Math.trunc(page) - 1) * pageSize)

  const handle = (request: FakeTaxonomyApi.FakeRequest, now: number): FakeTaxonomyApi.FakeReply => {
    const index = counter++
    const requestId = Prng.uuid(["request", seed, index])
    const method = request.method.toUpperCase()
    const headers = lowerHeaders(request.headers)
    const { path, query } = splitUrl(request.url)
    const params = new URLSearchParams(query)
    const hasTokenParam = params.has("pagination_token")
    const token = params.get("pagination_token") ?? undefined
    const casing = headers["x-fake-casing"] === "camel"
      ? "camel"
      : headers["x-fake-casing"] === "snake"
      ? "snake"
      : defaultCasing

    const corsHeaders: Record<string, string> = cors
      ? {
        "access-control-allow-origin": "*",
        "access-control-expose-headers": "retry-after, x-request-id, content-length"
      }
      : {}

    // assigned once below, but read by `finish` (declared first): they cannot be `const`
    /* eslint-disable prefer-const */
    let offset: number | undefined
    let page: number | undefined
    let fault: FaultPlan.Fault | undefined
    /* eslint-enable prefer-const */
    const finish = (
      status: number,
      replyHeaders: Record<string, string>,
      body: string,
      action: FakeTaxonomyApi.ReplyAction = { _tag: "Send" }
    ): FakeTaxonomyApi.FakeReply => {
      const allHeaders: Record<string, string> = {
        ...replyHeaders,
        "content-length": String(byteLength(body)),
        "x-request-id": requestId,
        ...corsHeaders
      }
      if (body === "" && status === 204) delete allHeaders["content-length"]
      log.push({
        index,
        requestId,
        method,
        url: request.url,
        path,
        query,
        hasTokenParam,
        token: Option.fromNullable(token),
        offset: Option.fromNullable(offset),
        page: Option.fromNullable(page),
        headers,
        status,
        fault: Option.fromNullable(fault)
      })
      return { requestIndex: index, requestId, status, headers: allHeaders, body, action }
    }
    const json = (status: number, value: unknown, extra: Record<string, string> = {}) =>
      finish(status, { "content-type": "application/json", ...extra }, JSON.stringify(value))
    const text = (status: number, body: string) => finish(status, { "content-type": "text/plain; charset=utf-8" }, body)
    const apiError = (
      variant: Errors.Variant,
      cause: string | undefined,
      extra: Record<string, string> = {},
      options: {
        readonly form?: Errors.ErrorForm
        readonly status?: number
        readonly details?: Readonly<Record<string, unknown>>
      } = {}
    ) => {
      const status = options.status ?? Errors.variantStatus[variant]
      return json(
        status,
        Errors.errorJson({
          variant,
          form: options.form ?? errorForm,
          requestId,
          status,
          cause,
          details: options.details
        }),
        extra
      )
    }

    // CORS preflight
    if (method === "OPTIONS" && cors) {
      const requested = (headers["access-control-request-headers"] ?? "")
        .split(",")
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== "")
      const allowed = Array.from(new Set(["x-api-key", "accept", "content-type", "x-fake-casing", ...requested]))
      return finish(204, {
        "access-control-allow-methods": "GET, OPTIONS",
        "access-control-allow-headers": allowed.join(", "),
        "access-control-max-age": "600"
      }, "")
    }

    // routing
    const routed = path.startsWith(basePath) ? path.slice(basePath.length) : undefined
    const match = routed === undefined ? null : segmentsPath.exec(routed)
    if (match === null) {
      return apiError("DoesNotExist", `No route for ${method} ${path}`)
    }
    if (method !== "GET") {
      return apiError("VerbNotImplemented", `Method ${method} is not allowed on ${path}`, {
        allow: cors ? "GET, OPTIONS" : "GET"
      })
    }

    // authentication
    if (apiKey !== undefined) {
      const sent = headers["x-api-key"] ?? params.get("k") ?? undefined
      if (sent === undefined || sent === "") {
        return apiError("AuthorizationMissing", "No API key was provided in the X-API-Key header")
      }
      if (sent !== apiKey) {
        return apiError("InvalidAPIKey", "The API key provided is not valid")
      }
    }

    // request validation (before the handler, as the real server's codecs do)
    let importId: string
    try {
      importId = decodeURIComponent(match[1]!)
    } catch {
      return text(400, INVALID_IMPORT_ID)
    }
    if (!uuidPattern.test(importId)) return text(400, INVALID_IMPORT_ID)
    const decoded = token === undefined || token === "" ? undefined : Token.decode(token)
    if (token !== undefined && token !== "" && decoded === undefined) return text(400, INVALID_TOKEN)

    const segments = store.get(importId.toLowerCase())
    if (segments === undefined) {
      return json(404, { requestId, error: { DoesNotExist: { c: `Import ${importId} does not exist` } } })
    }
    if (decoded !== undefined && (decoded.tag !== Token.importTag(importId) || decoded.offset > segments.length)) {
      return text(400, INVALID_TOKEN)
    }
    // an empty token is "no token": the real server serves page one again
    offset = decoded?.offset ?? 0
    page = Math.floor(offset / pageSize) + 1

    fault = runner.decide({ index, importId, page, offset, token })

    const pageSegments = segments.slice(offset, offset + pageSize)
    let next: string | undefined = offset + pageSize < segments.length
      ? Token.encode(importId, offset + pageSize)
      : undefined
    if (fault?._tag === "RepeatToken") {
      next = token !== undefined && token !== "" ? token : Token.encode(importId, offset)
    } else if (fault?._tag === "TokenCycle") {
      next = tokenFor(importId, fault.toPage)
    }
    const pageBody = (): string => {
      if (casing === "camel") {
        const pagination: Record<string, unknown> = {}
        if (next !== undefined) pagination.nextToken = { value: next }
        else if (lastPage === "null") pagination.nextToken = null
        else if (lastPage === "empty") pagination.nextToken = { value: "" }
        pagination.totalCount = { value: segments.length }
        return JSON.stringify({ elements: pageSegments.map(camelSegment), pagination })
      }
      const pagination: Record<string, unknown> = {}
      if (next !== undefined) pagination.next_token = next
      else if (lastPage === "null") pagination.next_token = null
      else if (lastPage === "empty") pagination.next_token = ""
      pagination.total_count = segments.length
      return JSON.stringify({ elements: pageSegments, pagination })
    }
    const pageReply = (
      action: FakeTaxonomyApi.ReplyAction = { _tag: "Send" },
      contentType = "application/json"
    ) => finish(200, { "content-type": contentType }, pageBody(), action)
    const half = (n: number) => Math.floor(n / 2)

    if (fault === undefined) return pageReply()
    switch (fault._tag) {
      case "RateLimit":
        return apiError("UnknownError", "Rate limit exceeded", retryAfterHeader(fault.retryAfter, now), {
          status: 429,
          form: "wrapper"
        })
      case "ServerError": {
        const extra = retryAfterHeader(fault.retryAfter, now)
        const envelope = Errors.errorBody({
          variant: fault.status === 500 ? "UnspecifiedInternalError" : "UnknownError",
          form: "wrapper",
          requestId,
          status: fault.status,
          cause: fault.status === 500 ? "Unhandled exception while listing segments" : Errors.reasonPhrase(fault.status)
        })
        switch (fault.body) {
          case "json":
            return finish(fault.status, { "content-type": "application/json", ...extra }, envelope)
          case "truncated-json":
            return finish(
              fault.status,
              { "content-type": "application/json", ...extra },
              envelope.slice(0, half(envelope.length))
            )
          case "html":
            return finish(fault.status, { "content-type": "text/html", ...extra }, Errors.gatewayHtml(fault.status))
          case "empty":
            return finish(fault.status, extra, "")
        }
      }
      case "ApiError":
        return apiError(
          fault.variant,
          fault.cause ?? defaultCause(fault.variant, importId),
          {},
          {
            form: fault.form,
            details: { importId },
            ...(fault.status !== undefined ? { status: fault.status } : {})
          }
        )
      case "TextBadRequest":
        return text(400, fault.message)
      case "ResetBeforeHeaders":
        return pageReply({ _tag: "ResetBeforeHeaders" })
      case "ResetMidBody": {
        const size = byteLength(pageBody())
        return pageReply({ _tag: "ResetMidBody", afterBytes: clamp(fault.afterBytes ?? half(size), size) })
      }
      case "TruncatedBody": {
        const size = byteLength(pageBody())
        return pageReply({ _tag: "TruncatedBody", sentBytes: clamp(fault.sentBytes ?? half(size), size) })
      }
      case "Slow":
        return pageReply({ _tag: "Delay", millis: Math.max(0, fault.delayMs) })
      case "KeepAliveReset":
        return pageReply({ _tag: "KeepAliveReset" })
      case "WrongContentType":
        return pageReply({ _tag: "Send" }, "text/plain; charset=utf-8")
      case "RepeatToken":
      case "TokenCycle":
        return pageReply()
    }
  }

  return {
    handle,
    get requests() {
      return log.slice()
    },
    clearRequests: () => {
      log = []
    },
    setFaultPlan: (next) => {
      plan = next
      runner = FaultRunner.makeRunner(plan)
    },
    reset: () => {
      log = []
      counter = 0
      runner = FaultRunner.makeRunner(plan)
    },
    imports,
    pageSize,
    tokenFor,
    isValidToken: (importId, token) => {
      const decoded = Token.decode(token)
      const segments = store.get(importId.toLowerCase())
      return decoded !== undefined && segments !== undefined && decoded.tag === Token.importTag(importId) &&
        decoded.offset <= segments.length
    }
  }
}

const clamp = (n: number, size: number): number => Math.max(0, Math.min(Math.trunc(n), Math.max(0, size - 1)))

const defaultCause = (variant: Errors.Variant, importId: string): string => {
  switch (variant) {
    case "DoesNotExist":
      return `Import ${importId} does not exist`
    case "AlreadyExists":
      return `Import ${importId} already exists`
    default:
      return `${Errors.variantMessage[variant]} (import ${importId})`
  }
}
