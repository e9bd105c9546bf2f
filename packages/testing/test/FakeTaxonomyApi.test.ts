import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as FakeTaxonomyApi from "../src/FakeTaxonomyApi.js"
import * as FaultPlan from "../src/FaultPlan.js"
import * as SeedData from "../src/SeedData.js"
import { get, segmentsUrl, type SnakePage, uuidV4, walk } from "./utils.js"

const seed = SeedData.generateImport({ seed: 1, count: 50 })
const importId = seed.importId
const other = SeedData.generateImport({ seed: 2, count: 3 })
const unknownId = "0b7c5d39-8f4a-4d7e-9c2b-3a1e5f6d7c8b"

const make = (options: Partial<FakeTaxonomyApi.Options> = {}) =>
  FakeTaxonomyApi.make({ imports: [seed, other], pageSize: 7, ...options })

const body = (reply: FakeTaxonomyApi.FakeReply): any => JSON.parse(reply.body)

describe("FakeTaxonomyApi paging", () => {
  it("covers every segment exactly once, in order, 7 per page", () => {
    const api = make()
    const { segments, statuses, tokens } = walk(api, importId)
    assert.deepStrictEqual(segments, seed.segments)
    assert.strictEqual(tokens.length, 7)
    assert.deepStrictEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200])
    const requests = api.requests
    assert.strictEqual(requests.length, 8)
    assert.deepStrictEqual(requests.map((r) => Option.getOrUndefined(r.page)), [1, 2, 3, 4, 5, 6, 7, 8])
    assert.deepStrictEqual(requests.map((r) => Option.getOrUndefined(r.offset)), [0, 7, 14, 21, 28, 35, 42, 49])
    const sizes = requests.map((r) => body(get(make(), r.url)).elements.length)
    assert.deepStrictEqual(sizes, [7, 7, 7, 7, 7, 7, 7, 1])
  })

  it("the first request has no pagination_token key; later ones carry the previous token byte for byte", () => {
    const api = make()
    const { tokens } = walk(api, importId)
    const [first, ...rest] = api.requests
    assert.isFalse(first!.hasTokenParam)
    assert.isTrue(Option.isNone(first!.token))
    assert.strictEqual(first!.query, "")
    assert.deepStrictEqual(rest.map((r) => Option.getOrThrow(r.token)), tokens)
    assert.isTrue(rest.every((r) => r.hasTokenParam))
  })

  it("tokens are opaque base64 containing +, / and =", () => {
    const { tokens } = walk(make(), importId)
    for (const token of tokens) {
      assert.match(token, /^\+\/[A-Za-z0-9+/]{12}==$/)
    }
    assert.strictEqual(new Set(tokens).size, tokens.length)
    assert.strictEqual(tokens[0], "+/+sQKNwAAAABw==")
    assert.strictEqual(make().tokenFor(importId, 2), tokens[0])
  })

  it("a token whose + was not percent-encoded arrives with a space and is rejected", () => {
    const api = make()
    const token = api.tokenFor(importId, 2)
    const reply = get(api, `/imports/${importId}/segments?pagination_token=${token}`)
    assert.strictEqual(reply.status, 400)
    assert.strictEqual(reply.body, "Invalid value for: query parameter pagination_token")
    assert.strictEqual(Option.getOrThrow(api.requests[0]!.token), token.replace("+", " ").replace("+", " "))
    const ok = get(api, `/imports/${importId}/segments?pagination_token=${encodeURIComponent(token)}`)
    assert.strictEqual(ok.status, 200)
    assert.strictEqual(Option.getOrThrow(api.requests[1]!.token), token)
  })

  it("snake_case page shape and headers", () => {
    const reply = get(make(), segmentsUrl(importId))
    assert.strictEqual(reply.status, 200)
    assert.strictEqual(reply.headers["content-type"], "application/json")
    assert.strictEqual(reply.headers["content-length"], String(new TextEncoder().encode(reply.body).length))
    assert.match(reply.headers["x-request-id"]!, uuidV4)
    const page = body(reply) as SnakePage
    assert.deepStrictEqual(Object.keys(page), ["elements", "pagination"])
    assert.deepStrictEqual(page.pagination, { next_token: "+/+sQKNwAAAABw==", total_count: 50 })
    assert.deepStrictEqual(page.elements, seed.segments.slice(0, 7))
  })

  it("camelCase on request, by header or by option", () => {
    const expectCamel = (reply: FakeTaxonomyApi.FakeReply) => {
      const page = body(reply)
      assert.deepStrictEqual(page.pagination, { nextToken: { value: "+/+sQKNwAAAABw==" }, totalCount: { value: 50 } })
      const first = page.elements[0]
      assert.deepStrictEqual(Object.keys(first), [
        "id",
        "code",
        "name",
        "importId",
        "description",
        "cpm",
        "categories",
        "updatedAt"
      ])
      assert.strictEqual(first.importId, importId)
      assert.strictEqual(first.updatedAt, seed.segments[0]!.updated_at)
    }
    expectCamel(get(make(), segmentsUrl(importId), { "X-Fake-Casing": "camel" }))
    expectCamel(get(make({ casing: "camel" }), segmentsUrl(importId)))
    assert.property(
      body(get(make({ casing: "camel" }), segmentsUrl(importId), { "x-fake-casing": "snake" })).pagination,
      "next_token"
    )
  })

  it("last page: token absent, null or empty, in both spellings", () => {
    const last = (options: Partial<FakeTaxonomyApi.Options>, headers: Record<string, string> = {}) => {
      const api = make(options)
      return body(get(api, segmentsUrl(importId, api.tokenFor(importId, 8)), headers)).pagination
    }
    assert.deepStrictEqual(last({}), { total_count: 50 })
    assert.deepStrictEqual(last({ lastPage: "absent" }), { total_count: 50 })
    assert.deepStrictEqual(last({ lastPage: "null" }), { next_token: null, total_count: 50 })
    assert.deepStrictEqual(last({ lastPage: "empty" }), { next_token: "", total_count: 50 })
    const camel = { "x-fake-casing": "camel" }
    assert.deepStrictEqual(last({}, camel), { totalCount: { value: 50 } })
    assert.deepStrictEqual(last({ lastPage: "null" }, camel), { nextToken: null, totalCount: { value: 50 } })
    assert.deepStrictEqual(last({ lastPage: "empty" }, camel), { nextToken: { value: "" }, totalCount: { value: 50 } })
  })

  it("an empty import is one empty last page; an empty token fetches page one again", () => {
    const empty = { importId: "d0f4a3c2-1b2a-4c3d-8e4f-5a6b7c8d9e0f", segments: [] }
    const api = make({ imports: [seed, empty] })
    assert.deepStrictEqual(body(get(api, segmentsUrl(empty.importId))), {
      elements: [],
      pagination: { total_count: 0 }
    })
    const again = get(api, `/imports/${importId}/segments?pagination_token=`)
    assert.strictEqual(again.status, 200)
    assert.deepStrictEqual(body(again).elements, seed.segments.slice(0, 7))
    const record = api.requests[1]!
    assert.isTrue(record.hasTokenParam)
    assert.deepStrictEqual(record.token, Option.some(""))
    assert.deepStrictEqual(record.page, Option.some(1))
  })

  it("serves under a basePath only", () => {
    const api = make({ basePath: "/audience-api/v1/" })
    assert.strictEqual(get(api, segmentsUrl(importId, undefined, "/audience-api/v1")).status, 200)
    assert.strictEqual(get(api, segmentsUrl(importId)).status, 404)
    assert.strictEqual(get(api, `https://api.example.com/audience-api/v1/imports/${importId}/segments`).status, 200)
  })
})

describe("FakeTaxonomyApi errors", () => {
  it("unknown import: 404 DoesNotExist wrapper with a deterministic request id", () => {
    const reply = get(make(), segmentsUrl(unknownId))
    assert.strictEqual(reply.status, 404)
    assert.strictEqual(reply.headers["content-type"], "application/json")
    const requestId = SeedData.uuid("request", 0, 0)
    assert.strictEqual(reply.requestId, requestId)
    assert.strictEqual(
      reply.body,
      `{"requestId":"${requestId}","error":{"DoesNotExist":{"c":"Import ${unknownId} does not exist"}}}`
    )
    assert.strictEqual(get(make(), segmentsUrl(unknownId)).requestId, requestId)
    assert.notStrictEqual(get(make({ seed: 1 }), segmentsUrl(unknownId)).requestId, requestId)
  })

  it("non-UUID import id: 400 text/plain", () => {
    for (const id of ["not-a-uuid", "1234", "32f8e031c53241bb-b25e-65bdb677a96f", "%E0%A4%A"]) {
      const reply = get(make(), segmentsUrl(id))
      assert.strictEqual(reply.status, 400)
      assert.strictEqual(reply.headers["content-type"], "text/plain; charset=utf-8")
      assert.strictEqual(reply.body, "Invalid value for: path parameter importId")
    }
  })

  it("undecodable or unknown token: 400 text/plain", () => {
    const api = make()
    const good = api.tokenFor(importId, 2)
    const bad = [
      "MTIzNA==", // valid base64, wrong bytes
      "not base64!",
      good.slice(0, -2), // padding removed
      good.slice(0, -3) + "B==", // non-canonical trailing bits
      api.tokenFor(other.importId, 1), // another import's token
      api.tokenFor(importId, 9) // beyond the end (offset 56 > 50)
    ]
    for (const token of bad) {
      const reply = get(api, segmentsUrl(importId, token))
      assert.strictEqual(reply.status, 400, token)
      assert.strictEqual(reply.body, "Invalid value for: query parameter pagination_token")
    }
    assert.isTrue(api.isValidToken(importId, good))
    assert.isFalse(api.isValidToken(other.importId, good))
  })

  it("unknown path: 404; other methods: 405 VerbNotImplemented", () => {
    const api = make()
    const notFound = get(api, "/imports")
    assert.strictEqual(notFound.status, 404)
    assert.deepStrictEqual(Object.keys(body(notFound).error), ["DoesNotExist"])
    const post = api.handle({ method: "POST", url: segmentsUrl(importId), headers: {} }, 0)
    assert.strictEqual(post.status, 405)
    assert.strictEqual(post.headers.allow, "GET")
    assert.deepStrictEqual(Object.keys(body(post).error), ["VerbNotImplemented"])
    assert.strictEqual(api.handle({ method: "OPTIONS", url: segmentsUrl(importId), headers: {} }, 0).status, 405)
  })

  it("api key: missing 401 AuthorizationMissing, wrong 401 InvalidAPIKey, right 200", () => {
    const apiKey = "5b3f8d8e-7c55-4a44-9d3c-1f4f3b8b1e42"
    const api = make({ apiKey })
    const missing = get(api, segmentsUrl(importId))
    assert.strictEqual(missing.status, 401)
    assert.deepStrictEqual(Object.keys(body(missing).error), ["AuthorizationMissing"])
    const wrong = get(api, segmentsUrl(importId), { "x-api-key": "4c3e2d1f-0000-4000-8000-000000000000" })
    assert.strictEqual(wrong.status, 401)
    assert.deepStrictEqual(Object.keys(body(wrong).error), ["InvalidAPIKey"])
    assert.strictEqual(get(api, segmentsUrl(importId), { "X-API-Key": apiKey }).status, 200)
    assert.strictEqual(get(api, `${segmentsUrl(importId)}?k=${apiKey}`).status, 200)
    assert.strictEqual(api.requests[2]!.headers["x-api-key"], apiKey)
    const documented = body(get(make({ apiKey, errorForm: "documented" }), segmentsUrl(importId), { "x-api-key": "x" }))
    assert.strictEqual(documented.error.status, "Unauthorized")
    assert.strictEqual(documented.error.code, 2000)
  })

  it("cors: preflight allows x-api-key, responses carry Access-Control-Allow-Origin", () => {
    const api = make({ cors: true })
    const preflight = api.handle({
      method: "OPTIONS",
      url: segmentsUrl(importId),
      headers: { "access-control-request-method": "GET", "access-control-request-headers": "x-api-key, traceparent" }
    }, 0)
    assert.strictEqual(preflight.status, 204)
    assert.strictEqual(preflight.body, "")
    assert.strictEqual(preflight.headers["access-control-allow-origin"], "*")
    assert.strictEqual(preflight.headers["access-control-allow-methods"], "GET, OPTIONS")
    assert.include(preflight.headers["access-control-allow-headers"]!.split(", "), "x-api-key")
    assert.include(preflight.headers["access-control-allow-headers"]!.split(", "), "traceparent")
    const page = get(api, segmentsUrl(importId))
    assert.strictEqual(page.headers["access-control-allow-origin"], "*")
    assert.strictEqual(get(api, segmentsUrl(unknownId)).headers["access-control-allow-origin"], "*")
    assert.isUndefined(get(make(), segmentsUrl(importId)).headers["access-control-allow-origin"])
  })

  it("variantStatus and variants", () => {
    assert.strictEqual(FakeTaxonomyApi.variants.length, 23)
    assert.deepStrictEqual(FakeTaxonomyApi.variantStatus, {
      AlreadyExists: 409,
      AuthorizationFailed: 403,
      AuthorizationFailedForAPIKey: 403,
      AuthorizationFailedForUser: 403,
      AuthorizationMissing: 401,
      BadEncoding: 400,
      BadOrigin: 403,
      DoesNotExist: 404,
      InsufficientAPIKey: 403,
      InvalidAPIKey: 401,
      InvalidHeader: 400,
      InvalidParameters: 400,
      InvalidRequestBody: 400,
      MissingHeader: 400,
      MissingOrigin: 400,
      MissingParameters: 400,
      MissingRequestBody: 400,
      RouteDeprecated: 410,
      SchemeNotSupported: 400,
      UnknownError: 500,
      UnspecifiedInternalError: 500,
      ValidationError: 400,
      VerbNotImplemented: 405
    })
    assert.deepStrictEqual(Object.keys(FakeTaxonomyApi.variantStatus), [...FakeTaxonomyApi.variants])
    assert.strictEqual(new Set(Object.values(FakeTaxonomyApi.documentedCode)).size, 23)
  })

  const answer = (variant: FakeTaxonomyApi.Variant, form: FakeTaxonomyApi.ErrorForm, status?: number) => {
    const api = make({ faults: FaultPlan.always(FaultPlan.apiError(variant, { form, ...(status ? { status } : {}) })) })
    return get(api, segmentsUrl(importId))
  }

  it("every variant in the wrapper form", () => {
    for (const variant of FakeTaxonomyApi.variants) {
      const reply = answer(variant, "wrapper")
      assert.strictEqual(reply.status, FakeTaxonomyApi.variantStatus[variant], variant)
      assert.strictEqual(reply.headers["content-type"], "application/json")
      const json = body(reply)
      assert.deepStrictEqual(Object.keys(json), ["requestId", "error"])
      assert.strictEqual(json.requestId, reply.requestId)
      assert.deepStrictEqual(Object.keys(json.error), [variant])
      const payload = json.error[variant]
      assert.deepStrictEqual(payload.d, { importId })
      assert.isString(payload.c)
      if (variant === "UnknownError") {
        assert.deepStrictEqual(Object.keys(payload), ["s", "co", "m", "c", "d"])
        assert.deepStrictEqual(payload.s, { code: 500 })
        assert.strictEqual(payload.co, 500)
        assert.strictEqual(payload.m, "Internal Server Error")
      } else {
        assert.deepStrictEqual(Object.keys(payload), ["c", "d"])
      }
    }
    assert.strictEqual(
      body(answer("DoesNotExist", "wrapper")).error.DoesNotExist.c,
      `Import ${importId} does not exist`
    )
  })

  it("every variant in the tagged form", () => {
    for (const variant of FakeTaxonomyApi.variants) {
      const reply = answer(variant, "tagged")
      assert.strictEqual(reply.status, FakeTaxonomyApi.variantStatus[variant], variant)
      const json = body(reply)
      assert.deepStrictEqual(Object.keys(json), ["requestId", "error"])
      assert.strictEqual(json.error._tag, variant)
      assert.isString(json.error.c)
      assert.deepStrictEqual(json.error.d, { importId })
      if (variant === "UnknownError") {
        assert.deepStrictEqual(json.error.s, { code: 500 })
        assert.strictEqual(json.error.co, 500)
        assert.strictEqual(json.error.m, "Internal Server Error")
      }
    }
  })

  it("every variant in the documented form", () => {
    const reasons: Record<number, string> = {
      400: "Bad Request",
      401: "Unauthorized",
      403: "Forbidden",
      404: "Not Found",
      405: "Method Not Allowed",
      409: "Conflict",
      410: "Gone",
      500: "Internal Server Error"
    }
    for (const variant of FakeTaxonomyApi.variants) {
      const reply = answer(variant, "documented")
      const status = FakeTaxonomyApi.variantStatus[variant]
      assert.strictEqual(reply.status, status, variant)
      const json = body(reply)
      assert.deepStrictEqual(Object.keys(json), ["request_id", "error"])
      assert.strictEqual(json.request_id, reply.requestId)
      assert.deepStrictEqual(Object.keys(json.error), ["status", "code", "message", "cause", "docs"])
      assert.strictEqual(json.error.status, reasons[status])
      assert.strictEqual(json.error.code, FakeTaxonomyApi.documentedCode[variant])
      assert.isString(json.error.message)
      assert.match(json.error.docs, /^https:\/\//)
    }
    assert.strictEqual(body(answer("InvalidAPIKey", "documented")).error.message, "The API key provided is invalid.")
  })

  it("a status override changes the HTTP status and UnknownError's s/co", () => {
    const reply = answer("UnknownError", "wrapper", 418)
    assert.strictEqual(reply.status, 418)
    assert.deepStrictEqual(body(reply).error.UnknownError.s, { code: 418 })
    assert.strictEqual(answer("DoesNotExist", "documented", 410).status, 410)
    assert.strictEqual(body(answer("DoesNotExist", "documented", 410)).error.status, "Gone")
  })

  it("errorBody builds the same envelope without a store", () => {
    assert.strictEqual(
      FakeTaxonomyApi.errorBody({ variant: "DoesNotExist", form: "tagged", requestId: "r", status: 404, cause: "x" }),
      `{"requestId":"r","error":{"_tag":"DoesNotExist","c":"x"}}`
    )
  })
})

describe("FakeTaxonomyApi non-JSON and transport-level answers", () => {
  const fault = (f: FaultPlan.Fault, now = 0) =>
    get(make({ faults: FaultPlan.always(f) }), segmentsUrl(importId), {}, now)

  it("text 400", () => {
    const reply = fault(FaultPlan.textBadRequest())
    assert.strictEqual(reply.status, 400)
    assert.strictEqual(reply.headers["content-type"], "text/plain; charset=utf-8")
    assert.strictEqual(reply.body, "Invalid value for: query parameter pagination_token")
  })

  it("502 HTML gateway page, empty 503, truncated JSON 500, 504 JSON", () => {
    const html = fault(FaultPlan.serverError({ status: 502, body: "html" }))
    assert.strictEqual(html.status, 502)
    assert.strictEqual(html.headers["content-type"], "text/html")
    assert.include(html.body, "<title>502 Bad Gateway</title>")
    const empty = fault(FaultPlan.serverError({ status: 503, body: "empty" }))
    assert.strictEqual(empty.status, 503)
    assert.strictEqual(empty.body, "")
    assert.strictEqual(empty.headers["content-length"], "0")
    assert.isUndefined(empty.headers["content-type"])
    const truncated = fault(FaultPlan.serverError({ status: 500, body: "truncated-json" }))
    assert.strictEqual(truncated.status, 500)
    assert.strictEqual(truncated.headers["content-type"], "application/json")
    assert.strictEqual(truncated.headers["content-length"], String(truncated.body.length))
    assert.strictEqual(truncated.action._tag, "Send")
    assert.match(truncated.body, /^\{"requestId":"/)
    assert.throws(() => JSON.parse(truncated.body))
    const json = body(fault(FaultPlan.serverError({ status: 504 })))
    assert.deepStrictEqual(json.error.UnknownError.s, { code: 504 })
    assert.deepStrictEqual(Object.keys(body(fault(FaultPlan.serverError({ status: 500 }))).error), [
      "UnspecifiedInternalError"
    ])
  })

  it("a valid page served as text/plain", () => {
    const reply = fault(FaultPlan.wrongContentType)
    assert.strictEqual(reply.status, 200)
    assert.strictEqual(reply.headers["content-type"], "text/plain; charset=utf-8")
    assert.strictEqual(reply.body, get(make(), segmentsUrl(importId)).body)
  })

  it("429 with Retry-After in seconds, as an HTTP date, and absent", () => {
    const seconds = fault(FaultPlan.rateLimit(FaultPlan.retryAfterSeconds(7)))
    assert.strictEqual(seconds.status, 429)
    assert.strictEqual(seconds.headers["retry-after"], "7")
    assert.deepStrictEqual(body(seconds).error.UnknownError.s, { code: 429 })
    const now = Date.UTC(2024, 0, 1, 0, 0, 0, 500)
    const date = fault(FaultPlan.rateLimit(FaultPlan.retryAfterHttpDate(5)), now)
    assert.strictEqual(date.headers["retry-after"], "Mon, 01 Jan 2024 00:00:06 GMT")
    assert.strictEqual(
      fault(FaultPlan.rateLimit(FaultPlan.retryAfterHttpDate(5)), Date.UTC(2024, 0, 1)).headers["retry-after"],
      "Mon, 01 Jan 2024 00:00:05 GMT"
    )
    assert.isUndefined(fault(FaultPlan.rateLimit(FaultPlan.noRetryAfter)).headers["retry-after"])
    assert.strictEqual(
      fault(FaultPlan.serverError({ retryAfter: FaultPlan.retryAfterSeconds(3) })).headers["retry-after"],
      "3"
    )
  })

  it("socket-level faults are actions on the normal page", () => {
    const normal = get(make(), segmentsUrl(importId))
    const size = new TextEncoder().encode(normal.body).length
    for (
      const [f, action] of [
        [FaultPlan.resetBeforeHeaders, { _tag: "ResetBeforeHeaders" }],
        [FaultPlan.resetMidBody(), { _tag: "ResetMidBody", afterBytes: Math.floor(size / 2) }],
        [FaultPlan.resetMidBody({ afterBytes: 10 }), { _tag: "ResetMidBody", afterBytes: 10 }],
        [FaultPlan.truncatedBody(), { _tag: "TruncatedBody", sentBytes: Math.floor(size / 2) }],
        [FaultPlan.truncatedBody({ sentBytes: 1_000_000 }), { _tag: "TruncatedBody", sentBytes: size - 1 }],
        [FaultPlan.slow(5_000), { _tag: "Delay", millis: 5_000 }],
        [FaultPlan.keepAliveReset, { _tag: "KeepAliveReset" }]
      ] as const
    ) {
      const reply = fault(f)
      assert.deepStrictEqual(reply.action, action)
      assert.strictEqual(reply.status, 200)
      assert.strictEqual(reply.body, normal.body)
      assert.strictEqual(reply.headers["content-length"], String(size))
    }
  })

  it("RepeatToken returns the token the page was fetched with; TokenCycle points back", () => {
    const api = make({
      faults: FaultPlan.scripted([{ page: 2, fault: FaultPlan.repeatToken }, {
        page: 3,
        fault: FaultPlan.tokenCycle(1)
      }])
    })
    const t2 = api.tokenFor(importId, 2)
    const t3 = api.tokenFor(importId, 3)
    const page2 = body(get(api, segmentsUrl(importId, t2)))
    assert.strictEqual(page2.pagination.next_token, t2)
    assert.deepStrictEqual(page2.elements, seed.segments.slice(7, 14))
    const page3 = body(get(api, segmentsUrl(importId, t3)))
    assert.strictEqual(page3.pagination.next_token, api.tokenFor(importId, 1))
    assert.deepStrictEqual(
      body(get(api, segmentsUrl(importId, api.tokenFor(importId, 1)))).elements,
      seed.segments.slice(0, 7)
    )
    const first = make({ faults: FaultPlan.always(FaultPlan.repeatToken) })
    assert.strictEqual(body(get(first, segmentsUrl(importId))).pagination.next_token, first.tokenFor(importId, 1))
  })
})

describe("FakeTaxonomyApi request log", () => {
  it("records method, path, query, token presence, headers, status and fault", () => {
    const api = make({ faults: FaultPlan.scripted([{ index: 1, fault: FaultPlan.rateLimit() }]) })
    const token = api.tokenFor(importId, 2)
    get(api, segmentsUrl(importId), { Accept: "application/json" })
    get(api, segmentsUrl(importId, token))
    const [a, b] = api.requests
    assert.deepStrictEqual(a, {
      index: 0,
      requestId: SeedData.uuid("request", 0, 0),
      method: "GET",
      url: `/imports/${importId}/segments`,
      path: `/imports/${importId}/segments`,
      query: "",
      hasTokenParam: false,
      token: Option.none(),
      offset: Option.some(0),
      page: Option.some(1),
      headers: { accept: "application/json" },
      status: 200,
      fault: Option.none()
    })
    assert.strictEqual(b!.query, "pagination_token=%2B%2F%2BsQKNwAAAABw%3D%3D")
    assert.deepStrictEqual(b!.token, Option.some(token))
    assert.strictEqual(b!.status, 429)
    assert.deepStrictEqual(b!.fault, Option.some(FaultPlan.rateLimit()))
  })

  it("clearRequests empties the log (indexes keep counting); reset starts over", () => {
    const api = make()
    get(api, segmentsUrl(importId))
    get(api, segmentsUrl(importId))
    api.clearRequests()
    assert.strictEqual(api.requests.length, 0)
    get(api, segmentsUrl(importId))
    assert.deepStrictEqual(api.requests.map((r) => r.index), [2])
    api.reset()
    get(api, segmentsUrl(importId))
    assert.deepStrictEqual(api.requests.map((r) => r.index), [0])
  })
})
