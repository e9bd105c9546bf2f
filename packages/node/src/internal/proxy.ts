/**
 * The key-adding proxy: request screening (path, method, query, import id),
 * forwarding with the server's key, and the pass-through response with the
 * key scrubbed out.
 *
 * @internal
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Http from "node:http"
import type * as TaxonomyProxy from "../TaxonomyProxy.js"

/** @internal */
export const defaultUpstream = "https://api.permutive.app/audience-api/v1"

/** @internal */
export const defaultTimeout = Duration.seconds(60)

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const segmentsPath = /^\/imports\/([^/]*)\/segments$/

/** Response headers passed through from the API, lower-case. */
const passedHeaders = ["content-type", "retry-after", "x-request-id"] as const

const encoder = new TextEncoder()

/** A refusal or gateway failure in the documented error envelope, so clients classify it by status. */
const refuse = (
  status: number,
  statusName: string,
  message: string,
  headers: Record<string, string> = {}
): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(JSON.stringify({ error: { status: statusName, message: `taxonomy proxy: ${message}` } }), {
    status,
    contentType: "application/json",
    headers: { "cache-control": "no-store", ...headers }
  })

const normalizePrefix = (prefix: string | undefined): string => {
  if (prefix === undefined || prefix === "" || prefix === "/") return ""
  const withSlash = prefix.startsWith("/") ? prefix : `/${prefix}`
  return withSlash.replace(/\/+$/, "")
}

const decode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

const quoted = (text: string): string => JSON.stringify(text.length > 60 ? text.slice(0, 60) + "…" : text)

/** What the screening decided: a refusal, or the upstream path and raw query to forward. */
type Screened =
  | { readonly _tag: "Refuse"; readonly response: HttpServerResponse.HttpServerResponse }
  | { readonly _tag: "Forward"; readonly importId: string; readonly rawToken: string | undefined }

/** @internal */
export const screen = (
  method: string,
  url: string,
  prefix: string,
  scrub: (text: string) => string = (text) => text
): Screened => {
  const refusal = (response: HttpServerResponse.HttpServerResponse): Screened => ({ _tag: "Refuse", response })
  // the reasons quote what the client sent: never echo the key, even if a client guessed it
  const quote = (text: string): string => quoted(scrub(text))
  const q = url.indexOf("?")
  const rawPath = q >= 0 ? url.slice(0, q) : url
  const rawQuery = q >= 0 ? url.slice(q + 1) : ""
  const only = "only GET /imports/{importId}/segments is served here"

  // path
  let path: string | undefined
  if (prefix === "") path = rawPath
  else if (rawPath === prefix) path = ""
  else if (rawPath.startsWith(prefix + "/")) path = rawPath.slice(prefix.length)
  const match = path === undefined ? null : segmentsPath.exec(path)
  if (match === null) return refusal(refuse(404, "Not Found", `no route for ${quote(rawPath)}; ${only}`))

  // method
  if (method.toUpperCase() !== "GET") {
    return refusal(refuse(405, "Method Not Allowed", `method ${quote(method.toUpperCase())} is not allowed; ${only}`, {
      allow: "GET"
    }))
  }

  // query: at most one pagination_token, nothing else
  let rawToken: string | undefined
  if (rawQuery.includes("#")) {
    return refusal(refuse(400, "Bad Request", "the query must not contain '#'"))
  }
  for (const part of rawQuery.split("&")) {
    if (part === "") continue
    const eq = part.indexOf("=")
    const rawName = eq >= 0 ? part.slice(0, eq) : part
    const rawValue = eq >= 0 ? part.slice(eq + 1) : ""
    const name = decode(rawName.replace(/\+/g, " "))
    if (name !== "pagination_token") {
      return refusal(refuse(
        400,
        "Bad Request",
        `query parameter ${quote(name ?? rawName)} is not allowed; the only parameter is pagination_token`
      ))
    }
    if (rawToken !== undefined) {
      return refusal(refuse(400, "Bad Request", "pagination_token must appear at most once"))
    }
    if (decode(rawValue) === undefined) {
      return refusal(refuse(400, "Bad Request", "pagination_token is not validly percent-encoded"))
    }
    rawToken = rawValue
  }

  // import id
  const importId = decode(match[1]!)
  if (importId === undefined || !uuidPattern.test(importId)) {
    return refusal(refuse(400, "Bad Request", `import id ${quote(importId ?? match[1]!)} is not a UUID`))
  }
  return { _tag: "Forward", importId, rawToken }
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** @internal */
export const makeScrub = (key: string): (text: string) => string => {
  if (key === "") return (text) => text
  // as sent, in any letter case, escaped for JSON, percent-encoded
  const forms = new Set([key, JSON.stringify(key).slice(1, -1), encodeURIComponent(key)])
  const pattern = new RegExp([...forms].map(escapeRegExp).join("|"), "gi")
  return (text) => text.replace(pattern, "<redacted>")
}

/** @internal */
export const httpApp = (
  options: TaxonomyProxy.Options
): HttpApp.Default<never, HttpClient.HttpClient> => {
  const upstream = (options.upstream ?? defaultUpstream).replace(/\/+$/, "")
  const prefix = normalizePrefix(options.prefix)
  const timeout = options.timeout === undefined ? defaultTimeout : Duration.decode(options.timeout)
  const apiKey = options.apiKey
  const scrub = makeScrub(Redacted.value(apiKey))

  return Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const screened = screen(request.method, request.url, prefix, scrub)
    if (screened._tag === "Refuse") return screened.response

    const client = yield* HttpClient.HttpClient
    const url = `${upstream}/imports/${screened.importId}/segments` +
      (screened.rawToken === undefined ? "" : `?pagination_token=${screened.rawToken}`)
    const upstreamRequest = HttpClientRequest.get(url).pipe(
      HttpClientRequest.acceptJson,
      HttpClientRequest.setHeader("x-api-key", Redacted.value(apiKey))
    )
    return yield* client.execute(upstreamRequest).pipe(
      Effect.flatMap((response) =>
        Effect.map(response.text, (text): HttpServerResponse.HttpServerResponse => {
          const headers: Record<string, string> = { "cache-control": "no-store" }
          for (const name of passedHeaders) {
            const value = response.headers[name]
            if (value !== undefined) headers[name] = scrub(value)
          }
          // a page is passed through untouched (the API never puts the key in one, and
          // scrubbing a short key out of it would rewrite its tokens); an error body is scrubbed
          const ok = response.status >= 200 && response.status < 300
          const body = encoder.encode(ok ? text : scrub(text))
          return body.length === 0
            ? HttpServerResponse.empty({ status: response.status, headers })
            : HttpServerResponse.raw(body, { status: response.status, headers, contentLength: body.length })
        })
      ),
      Effect.timeoutFail({ duration: timeout, onTimeout: () => "timeout" as const }),
      // HTTP apps run uninterruptibly: let a timeout or a client that goes away abort the upstream request
      Effect.interruptible,
      Effect.catchAll((error) =>
        Effect.succeed(
          error === "timeout"
            ? refuse(504, "Gateway Timeout", `the Taxonomy API did not answer within ${Duration.format(timeout)}`)
            : refuse(502, "Bad Gateway", `the Taxonomy API could not be reached (${describe(error)})`)
        )
      )
    )
  })
}

/** A short description of a transport failure: an error code at most, never a message that could carry a URL or header. */
const describe = (error: { readonly _tag: string; readonly cause?: unknown }): string => {
  let current: unknown = error.cause
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string" && /^[A-Z0-9_]+$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return error._tag === "ResponseError" ? "the response body was cut off" : "transport failure"
}

/** @internal */
export const nodeUndici: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
  Layer.provide(NodeHttpClient.dispatcherLayerGlobal)
)

/** @internal */
export const nodeHandler = (
  options: TaxonomyProxy.NodeHandlerOptions
): (request: Http.IncomingMessage, response: Http.ServerResponse) => void => {
  const app = httpApp(options)
  const client = options.httpClient ??
    Effect.runSync(Effect.provide(HttpClient.HttpClient, nodeUndici))
  return Effect.runSync(
    NodeHttpServer.makeHandler(app).pipe(Effect.provideService(HttpClient.HttpClient, client))
  )
}
