import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as FakeTaxonomyApi from "../FakeTaxonomyApi.js"

const encoder = new TextEncoder()

/** An `Error` shaped like node's socket errors (`code: "ECONNRESET"`). @internal */
export const connectionReset = (message: string): Error =>
  Object.assign(new Error(`${message} (ECONNRESET)`), { code: "ECONNRESET" })

const transport = (request: HttpClientRequest.HttpClientRequest, cause: unknown, description: string) =>
  new HttpClientError.RequestError({ request, reason: "Transport", cause, description })

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304])

/** A body that delivers `sent` bytes, then fails with `error`. */
const brokenBody = (bytes: Uint8Array, sent: number, error: () => Error, signal: AbortSignal) => {
  let delivered = false
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (signal.aborted) {
        controller.error(signal.reason)
      } else if (!delivered && sent > 0) {
        delivered = true
        controller.enqueue(bytes.slice(0, sent))
      } else {
        controller.error(error())
      }
    }
  })
}

/** @internal */
export const make = (api: FakeTaxonomyApi.FakeTaxonomyApi): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.gen(function*() {
      if (signal.aborted) {
        return yield* Effect.fail(transport(request, signal.reason, "request aborted"))
      }
      const now = yield* Clock.currentTimeMillis
      const reply = api.handle({
        method: request.method,
        url: `${url.pathname}${url.search}`,
        headers: { ...request.headers }
      }, now)
      const action = reply.action
      switch (action._tag) {
        case "ResetBeforeHeaders":
          return yield* Effect.fail(
            transport(request, connectionReset("read ECONNRESET: connection reset by fake server"), "connection reset")
          )
        case "KeepAliveReset":
          return yield* Effect.fail(
            transport(
              request,
              connectionReset("read ECONNRESET: idle keep-alive connection closed by fake server"),
              "connection reset"
            )
          )
        case "Delay":
          yield* Effect.sleep(action.millis)
          break
        default:
          break
      }
      const init: ResponseInit = { status: reply.status, headers: reply.headers }
      if (action._tag === "ResetMidBody" || action._tag === "TruncatedBody") {
        const bytes = encoder.encode(reply.body)
        const body = action._tag === "ResetMidBody"
          ? brokenBody(bytes, action.afterBytes, () => connectionReset("aborted: connection reset mid-body"), signal)
          : brokenBody(
            bytes,
            action.sentBytes,
            () =>
              new Error(
                `terminated: other side closed after ${action.sentBytes} of ${bytes.length} bytes (premature close)`
              ),
            signal
          )
        return HttpClientResponse.fromWeb(request, new Response(body, init))
      }
      const body = NULL_BODY_STATUS.has(reply.status) || reply.body === "" ? null : reply.body
      return HttpClientResponse.fromWeb(request, new Response(body, init))
    })
  )
