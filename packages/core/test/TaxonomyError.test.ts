import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
import * as TaxonomyError from "@effect-taxonomy/core/TaxonomyError"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { clientLayer, seedImport, transports } from "./harness.js"

const TaxonomyClientTag = TaxonomyClient.TaxonomyClient
const seed = seedImport(10)
const importId = seed.importId

const reasonPhrase: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  500: "Internal Server Error"
}

/** What the client must make of a variant in a form, by WIRE-FORMAT §4. */
const expectedTag = (variant: FakeTaxonomyApi.Variant, form: FakeTaxonomyApi.ErrorForm): TaxonomyError.ApiErrorTag => {
  if (form !== "documented") return variant
  // the documented envelope names no variant: the HTTP status decides (a key was sent, so 401 is InvalidAPIKey)
  const byStatus: Record<number, TaxonomyError.ApiErrorTag> = {
    400: "InvalidParameters",
    401: "InvalidAPIKey",
    403: "AuthorizationFailed",
    404: "DoesNotExist",
    405: "VerbNotImplemented",
    409: "AlreadyExists",
    410: "RouteDeprecated",
    500: "UnspecifiedInternalError"
  }
  return byStatus[FakeTaxonomyApi.variantStatus[variant]]!
}

const expectedMessage = (
  tag: TaxonomyError.ApiErrorTag,
  said: ReadonlyArray<string>,
  status: number,
  requestId: string
) => {
  const d = TaxonomyError.apiErrorDescriptions[tag]
  const retry = status === 500
    ? "Transient: retried with backoff; if it persists, resume later from pageToken."
    : "Not transient: retrying will not help."
  return `${d.summary}: ${
    said.join(": ")
  } [HTTP ${status}, request id ${requestId}; import ${importId}, first page]. ${d.advice} ${retry}`
}

const pageFailure = Effect.flatMap(
  TaxonomyClientTag,
  (client) => Effect.flip(client.page(importId, { retry: { maxAttempts: 1 } }))
)

describe("TaxonomyError: the 23 variants × 3 envelope forms", () => {
  for (const transport of transports) {
    for (const form of FakeTaxonomyApi.errorForms) {
      it.live(`classifies every variant in the ${form} form over ${transport}`, () => {
        const api = FakeTaxonomyApi.make({ imports: [seed] })
        return Effect.gen(function*() {
          assert.strictEqual(FakeTaxonomyApi.variants.length, 23)
          assert.deepStrictEqual([...FakeTaxonomyApi.variants], [...TaxonomyError.apiErrorTags])
          for (const variant of FakeTaxonomyApi.variants) {
            const cause = `cause of ${variant}`
            api.setFaultPlan(FaultPlan.always(FaultPlan.apiError(variant, { form, cause })))
            api.clearRequests()
            const error = yield* pageFailure
            const status = FakeTaxonomyApi.variantStatus[variant]
            const requestId = api.requests[0]!.requestId
            const tag = expectedTag(variant, form)
            assert.strictEqual(api.requests.length, 1, variant)
            assert.strictEqual(error._tag, tag, `${variant} in ${form}`)
            assert.isTrue(error instanceof TaxonomyError.ApiErrorClasses[tag], `${variant} is an instance of ${tag}`)
            const e = error as TaxonomyError.ApiError
            assert.strictEqual(e.status, status, variant)
            assert.strictEqual(e.requestId, requestId, variant)
            assert.strictEqual(e.importId, importId)
            assert.strictEqual(e.pageToken, undefined)
            assert.strictEqual(e.causeText, cause, variant)
            assert.strictEqual(e.bodyExcerpt, undefined, variant)
            if (form === "documented") {
              const apiMessage = e.apiMessage!
              assert.strictEqual(e.apiCode, FakeTaxonomyApi.documentedCode[variant])
              assert.strictEqual(e.apiStatus, reasonPhrase[status])
              assert.match(e.docs!, /^https:\/\/developer\.permutive\.com\/reference\/errors#[a-z-]+$/)
              assert.strictEqual(e.details, undefined)
              assert.strictEqual(e.message, expectedMessage(tag, [apiMessage, cause], status, requestId))
            } else {
              assert.deepStrictEqual(e.details, { importId })
              if (variant === "UnknownError") {
                const u = e as TaxonomyError.UnknownError
                assert.strictEqual(u.reportedStatus, 500)
                assert.strictEqual(u.apiCode, 500)
                assert.strictEqual(u.apiMessage, "Internal Server Error")
                assert.strictEqual(e.message, expectedMessage(tag, ["Internal Server Error", cause], status, requestId))
              } else {
                assert.strictEqual(e.apiMessage, undefined)
                assert.strictEqual(e.message, expectedMessage(tag, [cause], status, requestId))
              }
            }
            assert.strictEqual(TaxonomyError.isTransient(error), status === 500, variant)
            assert.isTrue(TaxonomyError.isTaxonomyError(error))
            assert.isTrue(TaxonomyError.isApiError(error))
          }
        }).pipe(Effect.provide(clientLayer(transport, api)))
      })
    }
  }

  it("gives every variant a message that names what happened and what to do", () => {
    const e = new TaxonomyError.DoesNotExist({
      status: 404,
      requestId: "e2cef6f6-296d-4044-b362-73fb2bce4a72",
      importId: "9f87bd3e-32eb-4d15-8e85-17fb275fa809",
      pageToken: "MTIzNA==",
      causeText: "Import 9f87bd3e-32eb-4d15-8e85-17fb275fa809 does not exist",
      segmentsEmitted: 200
    })
    assert.strictEqual(
      e.message,
      "The import does not exist: Import 9f87bd3e-32eb-4d15-8e85-17fb275fa809 does not exist " +
        "[HTTP 404, request id e2cef6f6-296d-4044-b362-73fb2bce4a72; import 9f87bd3e-32eb-4d15-8e85-17fb275fa809, " +
        "page token MTIzNA==, 200 segments emitted before it]. " +
        "Check the import id, and that your key's workspace owns the import. " +
        "Not transient: retrying will not help."
    )
    const gateway = new TaxonomyError.UnknownError({ status: 503, retryAfterMillis: 120_000, bodyExcerpt: "" })
    assert.strictEqual(
      gateway.message,
      "The API reported an error the client does not know (body: \"\") [HTTP 503; first page]. " +
        "Report it to Permutive support with this message if it persists. " +
        "Transient: retried with backoff; if it persists, resume later from pageToken. " +
        "The server asked to wait 120s (Retry-After); a wait beyond the retry policy's maxRetryAfter is not slept on."
    )
    for (const tag of TaxonomyError.apiErrorTags) {
      const d = TaxonomyError.apiErrorDescriptions[tag]
      assert.isAbove(d.summary.length, 10, tag)
      assert.isAbove(d.advice.length, 10, tag)
    }
  })
})

describe("TaxonomyError: bodies that are not an error envelope", () => {
  for (const transport of transports) {
    it.live(`maps the text 400, gateway pages, empty and truncated bodies over ${transport}`, () => {
      const api = FakeTaxonomyApi.make({ imports: [seed] })
      const cases: ReadonlyArray<{
        readonly fault: FaultPlan.Fault
        readonly tag: string
        readonly status: number
        readonly excerpt?: (body: string) => string
        readonly causeText?: string
        readonly transient: boolean
      }> = [
        {
          fault: FaultPlan.textBadRequest("Invalid value for: path parameter importId"),
          tag: "InvalidParameters",
          status: 400,
          causeText: "Invalid value for: path parameter importId",
          transient: false
        },
        {
          fault: FaultPlan.serverError({ status: 502, body: "html" }),
          tag: "UnknownError",
          status: 502,
          excerpt: () =>
            "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> <hr><center>awselb/2.0</center> </body> </html>",
          transient: true
        },
        {
          fault: FaultPlan.serverError({ status: 503, body: "empty" }),
          tag: "UnknownError",
          status: 503,
          excerpt: () => "",
          transient: true
        },
        {
          fault: FaultPlan.serverError({ status: 504, body: "html" }),
          tag: "UnknownError",
          status: 504,
          excerpt: () =>
            "<html> <head><title>504 Gateway Timeout</title></head> <body> <center><h1>504 Gateway Timeout</h1></center> <hr><center>awselb/2.0</center> </body> </html>",
          transient: true
        },
        {
          fault: FaultPlan.serverError({ status: 500, body: "truncated-json" }),
          tag: "UnspecifiedInternalError",
          status: 500,
          excerpt: (body) => body,
          transient: true
        }
      ]
      return Effect.gen(function*() {
        for (const c of cases) {
          api.setFaultPlan(FaultPlan.always(c.fault))
          api.clearRequests()
          const error = (yield* pageFailure) as TaxonomyError.ApiError
          const label = `${c.fault._tag} ${c.status}`
          assert.strictEqual(error._tag, c.tag, label)
          assert.strictEqual(error.status, c.status, label)
          assert.strictEqual(error.requestId, undefined, label)
          assert.strictEqual(error.causeText, c.causeText, label)
          if (c.excerpt !== undefined) {
            assert.isDefined(error.bodyExcerpt, label)
            assert.isAtMost(error.bodyExcerpt!.length, 200)
          }
          assert.strictEqual(TaxonomyError.isTransient(error), c.transient, label)
          assert.include(error.message, `[HTTP ${c.status}; import ${importId}, first page]`)
        }
        // the exact excerpts
        api.setFaultPlan(FaultPlan.always(FaultPlan.serverError({ status: 502, body: "html" })))
        assert.strictEqual(((yield* pageFailure) as TaxonomyError.UnknownError).bodyExcerpt, cases[1]!.excerpt!(""))
        api.setFaultPlan(FaultPlan.always(FaultPlan.serverError({ status: 500, body: "truncated-json" })))
        const truncated = (yield* pageFailure) as TaxonomyError.UnspecifiedInternalError
        assert.isTrue(truncated.bodyExcerpt!.startsWith("{\"requestId\":\""), truncated.bodyExcerpt)
        assert.throws(() => JSON.parse(truncated.bodyExcerpt!))
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })

    it.live(`accepts a valid page served with the wrong content type over ${transport}`, () => {
      const api = FakeTaxonomyApi.make({ imports: [seed], faults: FaultPlan.always(FaultPlan.wrongContentType) })
      return Effect.gen(function*() {
        const page = yield* Effect.flatMap(TaxonomyClientTag, (client) => client.page(importId))
        assert.strictEqual(page.segments.length, 10)
        assert.strictEqual(api.requests[0]!.status, 200)
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })

    it.live(`maps 429 to RateLimited with Retry-After in seconds, as an HTTP date, and absent over ${transport}`, () => {
      const api = FakeTaxonomyApi.make({ imports: [seed] })
      return Effect.gen(function*() {
        for (
          const [retryAfter, expected] of [
            [FaultPlan.retryAfterSeconds(30), 30_000],
            [FaultPlan.noRetryAfter, undefined]
          ] as const
        ) {
          api.setFaultPlan(FaultPlan.always(FaultPlan.rateLimit(retryAfter)))
          const error = yield* pageFailure
          assert.strictEqual(error._tag, "RateLimited")
          assert.strictEqual((error as TaxonomyError.RateLimited).status, 429)
          assert.strictEqual((error as TaxonomyError.RateLimited).retryAfterMillis, expected)
          assert.isTrue(TaxonomyError.isTransient(error))
        }
        api.setFaultPlan(FaultPlan.always(FaultPlan.rateLimit(FaultPlan.retryAfterHttpDate(30))))
        const dated = (yield* pageFailure) as TaxonomyError.RateLimited
        // an HTTP date has whole seconds: 29-31 s ahead of the client's clock
        assert.isAtLeast(dated.retryAfterMillis!, 29_000)
        assert.isAtMost(dated.retryAfterMillis!, 31_000)
        assert.strictEqual(
          dated.message.slice(0, 40),
          "Rate limited by the API, asked to wait 3"
        )
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })
  }
})

describe("TaxonomyError: the client's own failures", () => {
  const respondWith = (status: number, body: string, contentType = "application/json") =>
    TaxonomyClient.layer({ baseUrl: "http://fake.local", retry: { maxAttempts: 1 } }).pipe(
      Layer.provide(Layer.succeed(
        HttpClient.HttpClient,
        HttpClient.make((request) =>
          Effect.succeed(
            HttpClientResponse.fromWeb(
              request,
              new Response(body, { status, headers: { "content-type": contentType } })
            )
          )
        )
      ))
    )

  const malformed = (body: string, status = 200) =>
    Effect.flatMap(TaxonomyClientTag, (client) => Effect.flip(client.page(importId))).pipe(
      Effect.provide(respondWith(status, body))
    )

  it.effect("MalformedResponse names the path of the first problem and a short excerpt of the body", () =>
    Effect.gen(function*() {
      const bad = JSON.stringify({
        elements: [
          { ...seed.segments[0], cpm: 1 },
          { ...seed.segments[1], updated_at: "last tuesday", padding: "p".repeat(400) }
        ],
        pagination: {}
      })
      const e = (yield* malformed(bad)) as TaxonomyError.MalformedResponse
      assert.strictEqual(e._tag, "MalformedResponse")
      assert.strictEqual(e.status, 200)
      assert.strictEqual(e.path, "elements[1].updated_at")
      assert.strictEqual(
        e.problem,
        "Expected an ISO-8601 date-time with a Z or ±hh:mm offset, e.g. 2023-04-12T11:27:00.716632Z, got \"last tuesday\""
      )
      assert.strictEqual(e.excerpt, bad.slice(0, 199) + "…")
      assert.strictEqual(e.contentType, "application/json")
      assert.isFalse(TaxonomyError.isTransient(e))
      assert.strictEqual(
        e.message,
        `The API's response is not a valid page: at elements[1].updated_at: ${e.problem} ` +
          `[HTTP 200; import ${importId}, first page; body starts ${
            JSON.stringify(e.excerpt)
          }]. Not retried: report it with this message.`
      )
    }))

  it.effect("MalformedResponse for bodies that are not JSON, empty, or the wrong shape", () =>
    Effect.gen(function*() {
      const notJson = (yield* malformed("<html>oops</html>")) as TaxonomyError.MalformedResponse
      assert.strictEqual(notJson.path, "(body)")
      assert.match(notJson.problem, /^not JSON \(/)
      assert.strictEqual(notJson.excerpt, "<html>oops</html>")
      const empty = (yield* malformed("")) as TaxonomyError.MalformedResponse
      assert.strictEqual(empty.path, "(body)")
      assert.strictEqual(empty.problem, "the body is empty")
      const noPagination = (yield* malformed("{\"elements\": []}")) as TaxonomyError.MalformedResponse
      assert.strictEqual(noPagination.path, "pagination")
      assert.strictEqual(noPagination.problem, "is missing")
      const array = (yield* malformed("[1, 2]")) as TaxonomyError.MalformedResponse
      assert.strictEqual(array.path, "(root)")
      const badId = yield* malformed(JSON.stringify({ elements: [{ ...seed.segments[0], id: 7 }], pagination: {} }))
      assert.strictEqual((badId as TaxonomyError.MalformedResponse).path, "elements[0].id")
    }))

  it("serialises and reads back through the TaxonomyError schema, tags intact", () => {
    const errors: ReadonlyArray<TaxonomyError.TaxonomyError> = [
      new TaxonomyError.DoesNotExist({ status: 404, requestId: "r", importId, details: { a: 1 } }),
      new TaxonomyError.UnknownError({ status: 502, bodyExcerpt: "<html>", reportedStatus: 502 }),
      new TaxonomyError.RateLimited({ status: 429, retryAfterMillis: 30_000, importId }),
      new TaxonomyError.TransportError({ reason: "ConnectionRefused", description: "connect ECONNREFUSED", importId }),
      new TaxonomyError.PaginationLoop({ importId, pageToken: "x", repeatedToken: "x", segmentsEmitted: 3 })
    ]
    for (const error of errors) {
      const json = JSON.parse(JSON.stringify(Schema.encodeSync(TaxonomyError.TaxonomyError)(error)))
      const back = Schema.decodeUnknownSync(TaxonomyError.TaxonomyError)(json)
      assert.strictEqual(back._tag, error._tag)
      assert.instanceOf(back, error.constructor as new(...args: Array<never>) => unknown)
      assert.strictEqual(back.message, error.message)
    }
  })

  it("isTransient: 408/429/5xx, transport and timeouts yes; other 4xx, malformed, loops and bad input no", () => {
    const yes = [
      new TaxonomyError.UnknownError({ status: 408 }),
      new TaxonomyError.RateLimited({ status: 429 }),
      new TaxonomyError.UnspecifiedInternalError({ status: 500 }),
      new TaxonomyError.UnknownError({ status: 502 }),
      new TaxonomyError.UnknownError({ status: 503 }),
      new TaxonomyError.UnknownError({ status: 504 }),
      new TaxonomyError.UnknownError({ status: 507, bodyExcerpt: "<html>" }),
      new TaxonomyError.TransportError({ reason: "ConnectionReset", description: "x" }),
      new TaxonomyError.RequestTimeout({ timeoutMillis: 10 })
    ]
    const no = [
      new TaxonomyError.InvalidParameters({ status: 400 }),
      new TaxonomyError.InvalidAPIKey({ status: 401 }),
      new TaxonomyError.AuthorizationFailed({ status: 403 }),
      new TaxonomyError.DoesNotExist({ status: 404 }),
      new TaxonomyError.VerbNotImplemented({ status: 501 }),
      new TaxonomyError.UnknownError({ status: 418, bodyExcerpt: "teapot" }),
      new TaxonomyError.MalformedResponse({ status: 200, path: "(body)", problem: "x", excerpt: "" }),
      new TaxonomyError.PaginationLoop({ repeatedToken: "x" }),
      new TaxonomyError.InvalidImportId({ importId: "x" }),
      new TaxonomyError.InvalidPageToken({}),
      new TaxonomyError.DeadlineExceeded({ deadlineMillis: 1 })
    ]
    for (const e of yes) assert.isTrue(TaxonomyError.isTransient(e), `${e._tag} ${"status" in e ? e.status : ""}`)
    for (const e of no) assert.isFalse(TaxonomyError.isTransient(e), `${e._tag} ${"status" in e ? e.status : ""}`)
    assert.isFalse(TaxonomyError.isTaxonomyError(new Error("x")))
    assert.isFalse(TaxonomyError.isTaxonomyError({ _tag: "DoesNotExist" }))
    assert.isFalse(TaxonomyError.isApiError(new TaxonomyError.RateLimited({ status: 429 })))
  })
})
