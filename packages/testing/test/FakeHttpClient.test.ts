import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as FakeHttpClient from "../src/FakeHttpClient.js"
import * as FakeTaxonomyApi from "../src/FakeTaxonomyApi.js"
import * as FaultPlan from "../src/FaultPlan.js"
import * as SeedData from "../src/SeedData.js"
import type { SnakePage } from "./utils.js"

const seed = SeedData.generateImport({ seed: 1, count: 50 })
const importId = seed.importId
const baseUrl = "https://api.permutive.app/audience-api/v1"
const make = (options: Partial<FakeTaxonomyApi.Options> = {}) =>
  FakeTaxonomyApi.make({ imports: [seed], pageSize: 7, basePath: "/audience-api/v1", ...options })

const page = (token?: string) =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    client.execute(
      HttpClientRequest.get(`${baseUrl}/imports/${importId}/segments`).pipe(
        HttpClientRequest.setUrlParams(token === undefined ? {} : { pagination_token: token }),
        HttpClientRequest.acceptJson
      )
    ))

describe("FakeHttpClient", () => {
  it.effect("HttpClient from the layer pages through every segment; tokens survive Effect's URL encoding", () => {
    const api = make()
    return Effect.gen(function*() {
      const segments: Array<SeedData.WireSegment> = []
      const sent: Array<string> = []
      let token: string | undefined
      do {
        const response = yield* page(token)
        assert.strictEqual(response.status, 200)
        assert.strictEqual(response.headers["content-type"], "application/json")
        const body = (yield* response.json) as SnakePage
        for (const element of body.elements) segments.push(element)
        token = body.pagination.next_token ?? undefined
        if (token !== undefined) sent.push(token)
      } while (token !== undefined)
      assert.deepStrictEqual(segments, seed.segments)
      const requests = api.requests
      assert.isFalse(requests[0]!.hasTokenParam)
      assert.deepStrictEqual(requests.slice(1).map((r) => Option.getOrThrow(r.token)), sent)
      assert.strictEqual(requests[1]!.query, "pagination_token=%2B%2F%2BsQKNwAAAABw%3D%3D")
      assert.strictEqual(requests[0]!.headers.accept, "application/json")
    }).pipe(Effect.provide(FakeHttpClient.layer(api)))
  })

  it.effect("resets are Transport RequestErrors caused by ECONNRESET", () => {
    const api = make({
      faults: FaultPlan.scripted([
        { index: 0, fault: FaultPlan.resetBeforeHeaders },
        { index: 1, fault: FaultPlan.keepAliveReset }
      ])
    })
    return Effect.gen(function*() {
      for (let i = 0; i < 2; i++) {
        const error = yield* Effect.flip(page())
        assert.strictEqual(error._tag, "RequestError")
        assert.strictEqual(error.reason, "Transport")
        assert.include((error.cause as Error).message, "ECONNRESET")
        assert.strictEqual((error.cause as { code?: string }).code, "ECONNRESET")
      }
      assert.strictEqual((yield* page()).status, 200)
    }).pipe(Effect.provide(FakeHttpClient.layer(api)))
  })

  it.effect("a reset mid-body and a truncated body fail while reading the body; the retry gets the page", () => {
    const api = make({
      faults: FaultPlan.scripted([
        { index: 0, fault: FaultPlan.resetMidBody({ afterBytes: 40 }) },
        { index: 1, fault: FaultPlan.truncatedBody() }
      ])
    })
    return Effect.gen(function*() {
      const reset = yield* page()
      assert.strictEqual(reset.status, 200)
      const resetError = yield* Effect.flip(reset.text)
      assert.strictEqual(resetError._tag, "ResponseError")
      assert.strictEqual(resetError.reason, "Decode")
      assert.include(String(resetError.cause), "ECONNRESET")
      const truncated = yield* page()
      const truncatedError = yield* Effect.flip(truncated.json)
      assert.strictEqual(truncatedError.reason, "Decode")
      const ok = yield* page()
      assert.deepStrictEqual(((yield* ok.json) as SnakePage).elements, seed.segments.slice(0, 7))
    }).pipe(Effect.provide(FakeHttpClient.layer(api)))
  })

  it.effect("Slow sleeps on the Clock: TestClock drives it, and a timeout interrupts it", () => {
    const api = make({ faults: FaultPlan.always(FaultPlan.slow(5_000)) })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(page())
      yield* TestClock.adjust("4999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      const response = yield* Fiber.join(fiber)
      assert.strictEqual(response.status, 200)

      const timedOut = yield* Effect.fork(Effect.either(Effect.timeout(page(), "1 second")))
      yield* TestClock.adjust("1 second")
      const result = yield* Fiber.join(timedOut)
      assert.isTrue(Either.isLeft(result) && result.left._tag === "TimeoutException")

      const interrupted = yield* Effect.fork(page())
      yield* TestClock.adjust("1 millis")
      const exit = yield* Fiber.interrupt(interrupted)
      assert.isTrue(Exit.isInterrupted(exit))
      assert.strictEqual(api.requests.length, 3)
    }).pipe(Effect.provide(FakeHttpClient.layer(api)))
  })

  it.effect("Retry-After HTTP dates follow the Clock", () => {
    const api = make({ faults: FaultPlan.always(FaultPlan.rateLimit(FaultPlan.retryAfterHttpDate(30))) })
    return Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2024, 1, 29, 23, 59, 45))
      const response = yield* page()
      assert.strictEqual(response.status, 429)
      assert.strictEqual(response.headers["retry-after"], "Fri, 01 Mar 2024 00:00:15 GMT")
      const body = (yield* response.json) as { error: { UnknownError: { s: { code: number } } } }
      assert.deepStrictEqual(body.error.UnknownError.s, { code: 429 })
    }).pipe(Effect.provide(FakeHttpClient.layer(api)))
  })

  it.effect("error statuses and bodies arrive as responses (empty 503, HTML 502, text 400)", () => {
    const api = make({
      faults: FaultPlan.scripted([
        { index: 0, fault: FaultPlan.serverError({ status: 503, body: "empty" }) },
        { index: 1, fault: FaultPlan.serverError({ status: 502, body: "html" }) },
        { index: 2, fault: FaultPlan.textBadRequest() }
      ])
    })
    const client = FakeHttpClient.make(api)
    const url = `${baseUrl}/imports/${importId}/segments`
    return Effect.gen(function*() {
      const empty = yield* client.get(url)
      assert.strictEqual(empty.status, 503)
      assert.strictEqual(yield* empty.text, "")
      const html = yield* client.get(url)
      assert.strictEqual(html.status, 502)
      assert.strictEqual(html.headers["content-type"], "text/html")
      assert.include(yield* html.text, "502 Bad Gateway")
      const text = yield* client.get(url)
      assert.strictEqual(text.status, 400)
      assert.strictEqual(yield* text.text, "Invalid value for: query parameter pagination_token")
    })
  })
})
