import * as TaxonomyError from "@effect-taxonomy/core/TaxonomyError"
import { assert, describe, it } from "@effect/vitest"
import { classifyResponse, excerpt, parseRetryAfter, transportReason } from "../src/internal/classify.js"

const now = Date.UTC(2026, 11, 3, 12, 0, 0)
const base = {
  importId: "9f87bd3e-32eb-4d15-8e85-17fb275fa809",
  pageToken: "MTIzNA==",
  contentType: "application/json",
  retryAfter: undefined,
  keySent: true,
  now
}

describe("parseRetryAfter", () => {
  it("reads delta-seconds", () => {
    assert.strictEqual(parseRetryAfter("30", now), 30_000)
    assert.strictEqual(parseRetryAfter(" 0 ", now), 0)
    assert.strictEqual(parseRetryAfter("1.5", now), 1_500)
  })
  it("reads an HTTP-date relative to now, and a past date as 0", () => {
    assert.strictEqual(parseRetryAfter(new Date(now + 30_000).toUTCString(), now), 30_000)
    assert.strictEqual(parseRetryAfter("Thu, 03 Dec 2026 12:02:00 GMT", now), 120_000)
    assert.strictEqual(parseRetryAfter("Thu, 03 Dec 2026 11:00:00 GMT", now), 0)
  })
  it("ignores absent and unreadable values", () => {
    assert.strictEqual(parseRetryAfter(undefined, now), undefined)
    assert.strictEqual(parseRetryAfter("", now), undefined)
    assert.strictEqual(parseRetryAfter("soon", now), undefined)
    assert.strictEqual(parseRetryAfter("-5", now), undefined)
  })
})

describe("classifyResponse: bodies that are not an envelope", () => {
  it("turns the 400 text/plain body into InvalidParameters with its text", () => {
    const e = classifyResponse({
      ...base,
      status: 400,
      contentType: "text/plain; charset=UTF-8",
      body: "Invalid value for: path parameter importId"
    })
    assert.strictEqual(e._tag, "InvalidParameters")
    assert.strictEqual((e as TaxonomyError.InvalidParameters).causeText, "Invalid value for: path parameter importId")
    assert.strictEqual((e as TaxonomyError.InvalidParameters).bodyExcerpt, undefined)
    assert.isFalse(TaxonomyError.isTransient(e))
  })

  it("falls back to the status for a 502 HTML page, keeping a short excerpt, and calls it transient", () => {
    const html = `<html><head><title>502 Bad Gateway</title></head><body>${"x".repeat(1000)}</body></html>`
    const e = classifyResponse({ ...base, status: 502, contentType: "text/html", body: html })
    assert.strictEqual(e._tag, "UnknownError")
    const u = e as TaxonomyError.UnknownError
    assert.strictEqual(u.status, 502)
    assert.strictEqual(u.bodyExcerpt!.length, 200)
    assert.isTrue(u.bodyExcerpt!.startsWith("<html><head><title>502 Bad Gateway</title>"))
    assert.isTrue(TaxonomyError.isTransient(e))
  })

  it("maps an empty 503 and a truncated JSON 500", () => {
    const empty = classifyResponse({ ...base, status: 503, contentType: undefined, body: "" })
    assert.strictEqual(empty._tag, "UnknownError")
    assert.strictEqual((empty as TaxonomyError.UnknownError).bodyExcerpt, "")
    assert.isTrue(TaxonomyError.isTransient(empty))
    const truncated = classifyResponse({ ...base, status: 500, body: "{\"requestId\": \"abc\", \"error\": {\"Unspec" })
    assert.strictEqual(truncated._tag, "UnspecifiedInternalError")
    assert.strictEqual(
      (truncated as TaxonomyError.UnspecifiedInternalError).bodyExcerpt,
      "{\"requestId\": \"abc\", \"error\": {\"Unspec"
    )
    assert.isTrue(TaxonomyError.isTransient(truncated))
  })

  it("treats a non-JSON 501 as transient but a JSON VerbNotImplemented 501 as not", () => {
    assert.isTrue(
      TaxonomyError.isTransient(
        classifyResponse({ ...base, status: 501, contentType: "text/html", body: "<h1>no</h1>" })
      )
    )
    assert.isFalse(
      TaxonomyError.isTransient(
        classifyResponse({ ...base, status: 501, body: "{\"requestId\":\"r\",\"error\":{\"VerbNotImplemented\":{}}}" })
      )
    )
  })

  it("maps 401 to InvalidAPIKey when a key was sent and AuthorizationMissing when none was", () => {
    assert.strictEqual(classifyResponse({ ...base, status: 401, body: "" })._tag, "InvalidAPIKey")
    assert.strictEqual(
      classifyResponse({ ...base, keySent: false, status: 401, body: "" })._tag,
      "AuthorizationMissing"
    )
  })

  it("follows the status mapping of WIRE-FORMAT §4", () => {
    const table: ReadonlyArray<readonly [number, string]> = [
      [400, "InvalidParameters"],
      [403, "AuthorizationFailed"],
      [404, "DoesNotExist"],
      [405, "VerbNotImplemented"],
      [408, "UnknownError"],
      [409, "AlreadyExists"],
      [410, "RouteDeprecated"],
      [418, "UnknownError"],
      [500, "UnspecifiedInternalError"],
      [504, "UnknownError"]
    ]
    for (const [status, tag] of table) {
      const e = classifyResponse({ ...base, status, contentType: "text/html", body: "<p>" })
      assert.strictEqual(e._tag, tag, String(status))
      assert.strictEqual((e as TaxonomyError.ApiError).status, status)
    }
  })

  it("classifies 429 as RateLimited with the Retry-After it was given, in both forms", () => {
    const seconds = classifyResponse({ ...base, status: 429, retryAfter: "30", body: "" })
    assert.strictEqual(seconds._tag, "RateLimited")
    assert.strictEqual((seconds as TaxonomyError.RateLimited).retryAfterMillis, 30_000)
    const date = classifyResponse({ ...base, status: 429, retryAfter: new Date(now + 45_000).toUTCString(), body: "" })
    assert.strictEqual((date as TaxonomyError.RateLimited).retryAfterMillis, 45_000)
    const none = classifyResponse({ ...base, status: 429, body: "" })
    assert.strictEqual((none as TaxonomyError.RateLimited).retryAfterMillis, undefined)
    assert.isTrue(TaxonomyError.isTransient(none))
  })

  it("keeps Retry-After on a 503", () => {
    const e = classifyResponse({ ...base, status: 503, retryAfter: "7", body: "" })
    assert.strictEqual((e as TaxonomyError.UnknownError).retryAfterMillis, 7_000)
  })

  it("keeps the request id and the import and page of the request", () => {
    const e = classifyResponse({
      ...base,
      status: 404,
      body: JSON.stringify({
        requestId: "6a1f0c2e-0000-4000-8000-000000000001",
        error: { DoesNotExist: { c: "gone" } }
      })
    }) as TaxonomyError.DoesNotExist
    assert.strictEqual(e.requestId, "6a1f0c2e-0000-4000-8000-000000000001")
    assert.strictEqual(e.importId, base.importId)
    assert.strictEqual(e.pageToken, base.pageToken)
    assert.strictEqual(e.causeText, "gone")
  })
})

describe("excerpt", () => {
  it("collapses whitespace and caps at 200 characters", () => {
    assert.strictEqual(excerpt("  a\n\n b\tc  "), "a b c")
    assert.strictEqual(excerpt("y".repeat(500)), "y".repeat(199) + "…")
  })
})

describe("transportReason", () => {
  it("reads the error code through nested causes", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" })
    assert.deepStrictEqual(transportReason(new TypeError("fetch failed", { cause: refused })), {
      reason: "ConnectionRefused",
      description: "connect ECONNREFUSED 127.0.0.1:9"
    })
    assert.strictEqual(
      transportReason(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" })).reason,
      "ConnectionReset"
    )
    assert.strictEqual(
      transportReason(Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" })).reason,
      "DnsLookup"
    )
    assert.deepStrictEqual(transportReason(new Error("boom")), { reason: "Other", description: "boom" })
  })
})
