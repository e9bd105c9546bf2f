import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
import * as TaxonomyError from "@effect-taxonomy/core/TaxonomyError"
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as FakeHttpClient from "@effect-taxonomy/testing/FakeHttpClient"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { apiKey, clientLayer, fastRetry, seedImport } from "./harness.js"
import { recordingLogger, recordingTracer } from "./recording.js"

const Client = TaxonomyClient.TaxonomyClient

const idsOf = (importId: string, options?: TaxonomyClient.StreamOptions) =>
  Effect.flatMap(Client, (client) => Stream.runCollect(client.segments(importId, options))).pipe(
    Effect.map((chunk) => Chunk.toReadonlyArray(chunk).map((s) => s.id))
  )

/** Lets real asynchronous work (promises, the in-memory body streams) run. */
const tick = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/** Waits (in real time, not the TestClock) until `predicate` holds. */
const eventually = (predicate: () => boolean | Effect.Effect<boolean>, label: string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 2_000; i++) {
      const result = predicate()
      if (typeof result === "boolean" ? result : yield* result) return
      yield* tick
    }
    assert.fail(`never happened: ${label}`)
  })

/**
 * The retry delays the client decided on, read from its debug log lines
 * (`delayMillis=...`), in order.
 */
const retryDelays = (lines: ReadonlyArray<string>) =>
  lines.filter((l) => l.includes("retrying after")).map((l) => Number(/delayMillis=(\d+)/.exec(l)![1]))

/** Waits until the client has decided on its `n`th retry, and returns that delay. */
const nthRetry = (lines: ReadonlyArray<string>, n: number) =>
  Effect.map(
    eventually(() => retryDelays(lines).length >= n, `retry ${n}`),
    () => retryDelays(lines)[n - 1]!
  )

/** The client over the fake in memory with the given retry settings; time is the TestClock's. */
const memoryClient = (api: FakeTaxonomyApi.FakeTaxonomyApi, options: TaxonomyClient.Options = {}) =>
  TaxonomyClient.layer({ baseUrl: "http://fake.local", apiKey: Redacted.make(apiKey), ...options }).pipe(
    Layer.provide(FakeHttpClient.layer(api))
  )

const seed = seedImport(50)

describe("Retry-After, under the TestClock", () => {
  for (
    const [label, retryAfter] of [
      ["Retry-After: 30", FaultPlan.retryAfterSeconds(30)],
      ["an HTTP date 30 s ahead", FaultPlan.retryAfterHttpDate(30)]
    ] as const
  ) {
    it.effect(`a 429 with ${label} waits exactly 30 s of virtual time, then gets the same page`, () => {
      const api = FakeTaxonomyApi.make({
        imports: [seed],
        pageSize: 10,
        faults: FaultPlan.scripted([{ page: 2, times: 1, fault: FaultPlan.rateLimit(retryAfter) }])
      })
      const logger = recordingLogger()
      return Effect.gen(function*() {
        const fiber = yield* Effect.fork(idsOf(seed.importId))
        assert.strictEqual(yield* nthRetry(logger.lines, 1), 30_000)
        assert.deepStrictEqual(api.requests.map((r) => [Option.getOrUndefined(r.page), r.status]), [[1, 200], [2, 429]])
        yield* TestClock.adjust("29999 millis")
        yield* tick
        assert.strictEqual(api.requests.length, 2, "no request before the 30 s are up")
        yield* TestClock.adjust("1 millis")
        const ids = yield* Fiber.join(fiber)
        assert.deepStrictEqual(ids, seed.segments.map((s) => s.id))
        assert.deepStrictEqual(api.requests.map((r) => Option.getOrUndefined(r.page)), [1, 2, 2, 3, 4, 5])
        assert.strictEqual(api.requests[2]!.token._tag, "Some")
        assert.deepStrictEqual(api.requests[2]!.token, api.requests[1]!.token)
        assert.deepStrictEqual(retryDelays(logger.lines), [30_000])
      }).pipe(Effect.provide(memoryClient(api)), Effect.provide(logger.layer))
    })
  }

  it.effect("without Retry-After, delays grow exponentially with ±20% jitter up to the cap, then the error", () => {
    const api = FakeTaxonomyApi.make({
      imports: [seed],
      pageSize: 10,
      faults: FaultPlan.always(FaultPlan.rateLimit(FaultPlan.noRetryAfter))
    })
    const retry = { maxAttempts: 7, baseDelay: "100 millis", maxDelay: "1 second", maxElapsed: "1 hour" } as const
    const logger = recordingLogger()
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(idsOf(seed.importId)))
      const delays: Array<number> = []
      for (let i = 1; i <= 6; i++) {
        const delay = yield* nthRetry(logger.lines, i)
        delays.push(delay)
        assert.strictEqual(api.requests.length, i)
        yield* TestClock.adjust(delay)
      }
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "RateLimited")
      assert.strictEqual(api.requests.length, 7)
      const nominal = [100, 200, 400, 800, 1600, 3200]
      delays.forEach((delay, i) => {
        assert.isAtLeast(delay, Math.min(nominal[i]! * 0.8, 1000) - 1, `delay ${i}`)
        assert.isAtMost(delay, Math.min(nominal[i]! * 1.2, 1000) + 1, `delay ${i}`)
      })
      assert.deepStrictEqual(delays.slice(4), [1000, 1000])
      assert.isBelow(delays[0]!, delays[1]!)
      assert.isBelow(delays[1]!, delays[2]!)
      assert.isBelow(delays[2]!, delays[3]!)
    }).pipe(Effect.provide(memoryClient(api, { retry })), Effect.provide(logger.layer))
  })

  it.effect("a Retry-After beyond maxRetryAfter is not slept on: RateLimited carries the requested delay", () => {
    const api = FakeTaxonomyApi.make({
      imports: [seed],
      pageSize: 10,
      faults: FaultPlan.scripted([{ page: 2, fault: FaultPlan.rateLimit(FaultPlan.retryAfterSeconds(7200)) }])
    })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(idsOf(seed.importId))
      assert.strictEqual(error._tag, "RateLimited")
      const e = error as TaxonomyError.RateLimited
      assert.strictEqual(e.retryAfterMillis, 7_200_000)
      assert.strictEqual(e.segmentsEmitted, 10)
      assert.strictEqual(e.pageToken, api.tokenFor(seed.importId, 2))
      assert.strictEqual(api.requests.length, 2)
      assert.strictEqual(yield* TestClock.currentTimeMillis, 0)
      assert.include(e.message, "asked to wait 7200s")
    }).pipe(Effect.provide(memoryClient(api, { retry: { maxRetryAfter: "60 seconds" } })))
  })

  it.effect("Retry-After on a 503 is honoured too", () => {
    const api = FakeTaxonomyApi.make({
      imports: [seed],
      pageSize: 10,
      faults: FaultPlan.scripted([{
        page: 1,
        times: 1,
        fault: FaultPlan.serverError({ status: 503, body: "html", retryAfter: FaultPlan.retryAfterSeconds(12) })
      }])
    })
    const logger = recordingLogger()
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(idsOf(seed.importId))
      assert.strictEqual(yield* nthRetry(logger.lines, 1), 12_000)
      yield* TestClock.adjust("11999 millis")
      yield* tick
      assert.strictEqual(api.requests.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* Fiber.join(fiber)).length, 50)
    }).pipe(Effect.provide(memoryClient(api)), Effect.provide(logger.layer))
  })
})

describe("what is retried", () => {
  it.live("4xx other than 408/429 fail at once, with no retry", () =>
    Effect.gen(function*() {
      for (const variant of ["InvalidAPIKey", "AuthorizationFailed", "DoesNotExist", "ValidationError"] as const) {
        const api = FakeTaxonomyApi.make({ imports: [seed], faults: FaultPlan.always(FaultPlan.apiError(variant)) })
        const error = yield* Effect.flip(idsOf(seed.importId)).pipe(Effect.provide(clientLayer("memory", api)))
        assert.strictEqual(error._tag, variant)
        assert.strictEqual(api.requests.length, 1, variant)
      }
      const timeout = FakeTaxonomyApi.make({
        imports: [seed],
        faults: FaultPlan.scripted([{ page: 1, times: 2, fault: FaultPlan.apiError("UnknownError", { status: 408 }) }])
      })
      assert.strictEqual((yield* idsOf(seed.importId).pipe(Effect.provide(clientLayer("memory", timeout)))).length, 50)
      assert.deepStrictEqual(timeout.requests.map((r) => r.status), [408, 408, 200])
    }))

  it.live("a malformed body is not retried; a body cut off mid-way is, with the same token", () =>
    Effect.gen(function*() {
      let calls = 0
      const malformed = HttpClient.make((request) =>
        Effect.sync(() => {
          calls++
          return HttpClientResponse.fromWeb(request, new Response("{\"elements\": \"nope\"}", { status: 200 }))
        })
      )
      const error = yield* Effect.flip(idsOf(seed.importId)).pipe(
        Effect.provide(
          TaxonomyClient.layer({ baseUrl: "http://x.local" }).pipe(
            Layer.provide(Layer.succeed(HttpClient.HttpClient, malformed))
          )
        )
      )
      assert.strictEqual(error._tag, "MalformedResponse")
      assert.strictEqual(calls, 1)

      const api = FakeTaxonomyApi.make({
        imports: [seed],
        pageSize: 10,
        faults: FaultPlan.scripted([
          { page: 3, times: 1, fault: FaultPlan.resetMidBody() },
          { page: 4, times: 1, fault: FaultPlan.truncatedBody() }
        ])
      })
      const ids = yield* idsOf(seed.importId).pipe(Effect.provide(clientLayer("loopback", api)))
      assert.deepStrictEqual(ids, seed.segments.map((s) => s.id))
      assert.deepStrictEqual(api.requests.map((r) => Option.getOrUndefined(r.page)), [1, 2, 3, 3, 4, 4, 5])
      assert.deepStrictEqual(api.requests[3]!.token, api.requests[2]!.token)
    }))

  it.live("each retry is a debug log line and a span event with the attempt, the delay and the reason", () => {
    const api = FakeTaxonomyApi.make({
      imports: [seed],
      pageSize: 25,
      faults: FaultPlan.scripted([{ page: 2, times: 2, fault: FaultPlan.serverError({ status: 503, body: "empty" }) }])
    })
    const tracer = recordingTracer()
    const logger = recordingLogger()
    return Effect.gen(function*() {
      assert.strictEqual((yield* idsOf(seed.importId)).length, 50)
      const events = tracer.spans.flatMap((s) => s.events.map((e) => ({ span: s.name, ...e }))).filter((e) =>
        e.name === "taxonomy.retry"
      )
      assert.deepStrictEqual(
        events.map((
          e
        ) => [
          e.span,
          e.name,
          e.attributes["taxonomy.retry.attempt"],
          e.attributes["taxonomy.retry.reason"],
          e.attributes["http.response.status_code"]
        ]),
        [
          ["TaxonomyClient.page", "taxonomy.retry", 1, "UnknownError", 503],
          ["TaxonomyClient.page", "taxonomy.retry", 2, "UnknownError", 503]
        ]
      )
      for (const e of events) assert.isNumber(e.attributes["taxonomy.retry.delay_ms"])
      const lines = logger.lines.filter((l) => l.includes("retrying"))
      assert.strictEqual(lines.length, 2)
      for (const [i, line] of lines.entries()) {
        assert.include(line, "level=DEBUG")
        assert.include(line, "message=\"retrying after UnknownError\"")
        assert.include(line, `importId=${seed.importId}`)
        assert.include(line, `attempt=${i + 1} `)
        assert.include(line, "reason=UnknownError")
        assert.include(line, `pageToken="${api.tokenFor(seed.importId, 2)}"`)
        assert.match(line, / delayMillis=\d+ /)
      }
    }).pipe(
      Effect.provide(clientLayer("loopback", api)),
      Effect.provide(Layer.merge(tracer.layer, logger.layer))
    )
  })
})

describe("timeouts", () => {
  it.effect("a response slower than requestTimeout is aborted and retried as RequestTimeout", () => {
    const api = FakeTaxonomyApi.make({
      imports: [seed],
      pageSize: 25,
      faults: FaultPlan.scripted([{ page: 2, times: 1, fault: FaultPlan.slow(60_000) }])
    })
    const logger = recordingLogger()
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(idsOf(seed.importId))
      yield* eventually(() => api.requests.length === 2, "page 2 requested")
      yield* TestClock.adjust("1999 millis")
      yield* tick
      assert.deepStrictEqual(retryDelays(logger.lines), [], "no timeout before 2 s")
      yield* TestClock.adjust("1 millis")
      const backoff = yield* nthRetry(logger.lines, 1)
      assert.include(logger.lines.find((l) => l.includes("retrying"))!, "reason=RequestTimeout")
      yield* TestClock.adjust(backoff)
      assert.strictEqual((yield* Fiber.join(fiber)).length, 50)
      assert.deepStrictEqual(api.requests.map((r) => Option.getOrUndefined(r.page)), [1, 2, 2])
    }).pipe(
      Effect.provide(
        memoryClient(api, { requestTimeout: "2 seconds", prefetch: 0, retry: { baseDelay: "10 millis" } })
      ),
      Effect.provide(logger.layer)
    )
  })

  it.effect("a stream deadline ends the stream with DeadlineExceeded saying where to resume", () => {
    const api = FakeTaxonomyApi.make({
      imports: [seed],
      pageSize: 10,
      faults: FaultPlan.scripted([{ page: 3, fault: FaultPlan.slow(60_000) }])
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(idsOf(seed.importId, { deadline: "5 seconds", prefetch: 0 })))
      yield* eventually(() => api.requests.length === 3, "page 3 requested")
      yield* TestClock.adjust("5 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "DeadlineExceeded")
      const e = error as TaxonomyError.DeadlineExceeded
      assert.strictEqual(e.deadlineMillis, 5_000)
      assert.strictEqual(e.segmentsEmitted, 20)
      assert.strictEqual(e.pageToken, api.tokenFor(seed.importId, 3))
      assert.isFalse(TaxonomyError.isTransient(e))
    }).pipe(Effect.provide(memoryClient(api, { requestTimeout: "1 minute" })))
  })
})

describe("resume", () => {
  it.live("a deadline at any moment, with any prefetch: the error counts what the consumer got; resuming yields exactly the rest", () => {
    const small = seedImport(30, 7)
    const api = FakeTaxonomyApi.make({ imports: [small], pageSize: 10 })
    const all = small.segments.map((s) => s.id)
    return Effect.gen(function*() {
      const client = yield* Client
      const stopped: Array<string> = []
      for (const prefetch of [0, 1, 2, 5]) {
        for (const millis of [1, 2, 3, 5, 8, 13]) {
          const got: Array<string> = []
          const exit = yield* Effect.exit(
            Stream.runForEach(
              client.segments(small.importId, { prefetch, deadline: Duration.millis(millis) }),
              (s) => Effect.sync(() => void got.push(s.id))
            )
          )
          if (Exit.isSuccess(exit)) {
            assert.deepStrictEqual(got, all)
            continue
          }
          const e = Cause.squash(exit.cause) as TaxonomyError.DeadlineExceeded
          assert.strictEqual(e._tag, "DeadlineExceeded")
          stopped.push(`${prefetch}/${millis}`)
          assert.strictEqual(e.segmentsEmitted, got.length, `prefetch ${prefetch}, deadline ${millis} ms`)
          const rest = yield* idsOf(small.importId, e.pageToken === undefined ? {} : { from: e.pageToken })
          assert.deepStrictEqual([...got, ...rest], all, `prefetch ${prefetch}, deadline ${millis} ms`)
        }
      }
      // the deadline did cut some of these streams short
      assert.isAbove(stopped.length, 0)
    }).pipe(Effect.provide(memoryClient(api)))
  })

  it.live("a page that fails after the retries run out says where to resume; resuming yields exactly the rest", () => {
    const big = seedImport(95, 3)
    const api = FakeTaxonomyApi.make({
      imports: [big],
      pageSize: 10,
      faults: FaultPlan.scripted([{ page: 5, times: 3, fault: FaultPlan.serverError({ status: 503, body: "html" }) }])
    })
    return Effect.gen(function*() {
      const client = yield* Client
      const first: Array<string> = []
      const error = yield* Effect.flip(
        Stream.runForEach(
          client.segments(big.importId, { retry: { maxAttempts: 3 } }),
          (s) => Effect.sync(() => first.push(s.id))
        )
      )
      assert.strictEqual(error._tag, "UnknownError")
      assert.strictEqual(error.segmentsEmitted, 40)
      assert.strictEqual(error.pageToken, api.tokenFor(big.importId, 5))
      assert.strictEqual(first.length, 40)
      const rest = yield* idsOf(big.importId, { from: error.pageToken })
      assert.deepStrictEqual([...first, ...rest], big.segments.map((s) => s.id))
      assert.strictEqual(new Set([...first, ...rest]).size, 95)
    }).pipe(Effect.provide(clientLayer("loopback", api)))
  })

  it.live("with prefetch, the resume point is what was emitted, not what was fetched", () => {
    const big = seedImport(60, 4)
    const api = FakeTaxonomyApi.make({
      imports: [big],
      pageSize: 10,
      faults: FaultPlan.scripted([{ page: 4, fault: FaultPlan.apiError("AuthorizationFailed") }])
    })
    return Effect.gen(function*() {
      const client = yield* Client
      const first: Array<string> = []
      const error = yield* Effect.flip(
        Stream.runForEach(
          client.segments(big.importId, { prefetch: 3 }),
          (s) => Effect.sync(() => first.push(s.id)).pipe(Effect.zipRight(Effect.sleep("1 millis")))
        )
      )
      assert.strictEqual(error._tag, "AuthorizationFailed")
      assert.strictEqual(error.segmentsEmitted, 30)
      assert.strictEqual(first.length, 30)
      assert.strictEqual(error.pageToken, api.tokenFor(big.importId, 4))
    }).pipe(Effect.provide(clientLayer("memory", api)))
  })
})

describe("loop guard", () => {
  it.live("a token the server handed out before in this stream is never followed again", () => {
    const api = FakeTaxonomyApi.make({
      imports: [seed],
      pageSize: 10,
      faults: FaultPlan.scripted([{ page: 4, fault: FaultPlan.tokenCycle(2) }])
    })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(idsOf(seed.importId))
      assert.strictEqual(error._tag, "PaginationLoop")
      const e = error as TaxonomyError.PaginationLoop
      assert.strictEqual(e.repeatedToken, api.tokenFor(seed.importId, 2))
      assert.strictEqual(e.importId, seed.importId)
      assert.strictEqual(e.segmentsEmitted, 40)
      assert.deepStrictEqual(api.requests.map((r) => Option.getOrUndefined(r.page)), [1, 2, 3, 4])
    }).pipe(Effect.provide(clientLayer("loopback", api)))
  })

  it.live("a start token counts as handed out", () => {
    const api = FakeTaxonomyApi.make({
      imports: [seed],
      pageSize: 10,
      faults: FaultPlan.scripted([{ page: 3, fault: FaultPlan.repeatToken }])
    })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(idsOf(seed.importId, { from: api.tokenFor(seed.importId, 3) }))
      assert.strictEqual(error._tag, "PaginationLoop")
      assert.strictEqual(api.requests.length, 1)
    }).pipe(Effect.provide(clientLayer("memory", api)))
  })
})

describe("prefetch", () => {
  for (const [prefetch, expected] of [[0, 1], [1, 2], [3, 4]] as const) {
    it.live(`prefetch ${prefetch}: while the consumer holds the first page, ${expected} page requests have been made`, () => {
      const big = seedImport(200, 5)
      const api = FakeTaxonomyApi.make({ imports: [big], pageSize: 10 })
      return Effect.gen(function*() {
        const client = yield* Client
        const release = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(
          Stream.runForEach(client.pages(big.importId, { prefetch }), () => Deferred.await(release))
        )
        yield* eventually(() => api.requests.length >= expected, `${expected} requests`)
        yield* Effect.sleep("50 millis")
        assert.strictEqual(api.requests.length, expected)
        yield* Deferred.succeed(release, void 0)
        yield* Fiber.join(fiber)
        assert.strictEqual(api.requests.length, 20)
      }).pipe(Effect.provide(clientLayer("memory", api, { prefetch })))
    })
  }
})

const tcpHandles = () =>
  process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap").length

describe("cancellation, over a real loopback server", () => {
  it.live("Stream.take: the prefetched request in flight is aborted and no socket is left open", () => {
    const big = seedImport(100, 6)
    const api = FakeTaxonomyApi.make({
      imports: [big],
      pageSize: 10,
      faults: FaultPlan.scripted([{ page: 3, fault: FaultPlan.slow(30_000) }])
    })
    return Effect.gen(function*() {
      const before = tcpHandles()
      const server = yield* Effect.scoped(Effect.gen(function*() {
        const server = yield* FakeServer.make(api)
        let seen = 0
        const taken = yield* Effect.flatMap(Client, (c) =>
          c.segments(big.importId).pipe(
            // by the 15th segment the prefetch of page 3 is on the wire
            Stream.tap(() =>
              ++seen === 15 ? FakeServer.waitUntil(server, (s) => s.exchanges.length === 3) : Effect.void
            ),
            Stream.take(15),
            Stream.runCollect
          )).pipe(
            Effect.provide(
              NodeTaxonomyClient.layer({ baseUrl: server.url, apiKey: Redacted.make(apiKey), retry: fastRetry })
            )
          )
        assert.deepStrictEqual(
          Chunk.toReadonlyArray(taken).map((s) => s.id),
          big.segments.slice(0, 15).map((s) => s.id)
        )
        yield* FakeServer.waitUntil(server, (s) => s.exchanges[2]!.aborted)
        yield* FakeServer.waitUntil(server, (s) => s.connections.open === 0)
        return server
      }))
      assert.deepStrictEqual(server.exchanges.map((e) => [e.status, e.finished, e.aborted]), [
        [200, true, false],
        [200, true, false],
        [200, false, true]
      ])
      assert.isFalse(server.listening)
      yield* eventually(() => tcpHandles() <= before, "no TCP handles left")
      assert.strictEqual(tcpHandles(), before)
    })
  })

  it.live("interrupting the consumer aborts the request in flight", () => {
    const api = FakeTaxonomyApi.make({
      imports: [seed],
      pageSize: 10,
      faults: FaultPlan.scripted([{ page: 3, fault: FaultPlan.slow(30_000) }])
    })
    return Effect.scoped(Effect.gen(function*() {
      const server = yield* FakeServer.make(api)
      const fiber = yield* Effect.fork(
        idsOf(seed.importId).pipe(
          Effect.provide(NodeTaxonomyClient.layer({ baseUrl: server.url, apiKey: Redacted.make(apiKey), prefetch: 0 }))
        )
      )
      yield* FakeServer.waitUntil(server, (s) => s.exchanges.length === 3)
      yield* Fiber.interrupt(fiber)
      yield* FakeServer.waitUntil(server, (s) => s.exchanges[2]!.aborted && s.connections.open === 0)
      assert.deepStrictEqual(server.exchanges.map((e) => e.aborted), [false, false, true])
    }))
  })

  it.live("a failing downstream aborts the request in flight", () => {
    const api = FakeTaxonomyApi.make({
      imports: [seed],
      pageSize: 10,
      faults: FaultPlan.scripted([{ page: 2, fault: FaultPlan.slow(30_000) }])
    })
    return Effect.scoped(Effect.gen(function*() {
      const server = yield* FakeServer.make(api)
      const outcome = yield* Effect.flatMap(
        Client,
        (c) =>
          Stream.runForEach(c.segments(seed.importId), (s) =>
            s.code === api.imports.get(seed.importId)![5]!.code
              // fail once the prefetch of page 2 is on the wire
              ? Effect.zipRight(
                FakeServer.waitUntil(server, (s) => s.exchanges.length === 2),
                Effect.fail("downstream failed" as const)
              )
              : Effect.void)
      ).pipe(
        Effect.flip,
        Effect.provide(NodeTaxonomyClient.layer({ baseUrl: server.url, apiKey: Redacted.make(apiKey) }))
      )
      assert.strictEqual(outcome, "downstream failed")
      yield* FakeServer.waitUntil(server, (s) => s.exchanges[1]!.aborted && s.connections.open === 0)
    }))
  })
})

describe("keep-alive", () => {
  it.live("an idle keep-alive connection reset by the server is retried as a TransportError", () => {
    const api = FakeTaxonomyApi.make({
      imports: [seed],
      pageSize: 10,
      faults: FaultPlan.scripted([{ page: 3, times: 1, fault: FaultPlan.keepAliveReset }])
    })
    const logger = recordingLogger()
    return Effect.scoped(
      Effect.gen(function*() {
        const server = yield* FakeServer.make(api)
        const ids = yield* idsOf(seed.importId).pipe(
          Effect.provide(
            NodeTaxonomyClient.layer({
              baseUrl: server.url,
              apiKey: Redacted.make(apiKey),
              retry: fastRetry,
              prefetch: 0
            })
          )
        )
        assert.deepStrictEqual(ids, seed.segments.map((s) => s.id))
        const reset = server.exchanges.find((e) => e.resetByServer)!
        assert.isTrue(reset.socketReused)
        assert.strictEqual(reset.action, "KeepAliveReset")
        assert.deepStrictEqual(api.requests.map((r) => Option.getOrUndefined(r.page)), [1, 2, 3, 3, 4, 5])
        assert.strictEqual(logger.lines.filter((l) => l.includes("retrying after TransportError")).length, 1)
      }).pipe(Effect.provide(logger.layer))
    )
  })
})
