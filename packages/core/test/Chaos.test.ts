import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { apiKey } from "./harness.js"
import { recordingLogger } from "./recording.js"

/**
 * Every transient fault the fake knows. Retry-After values are 0 s and an
 * HTTP date that is already past (the server's clock runs a minute behind),
 * so the test runs in seconds; the TestClock tests prove real waits.
 */
const faults: ReadonlyArray<FaultPlan.Fault> = [
  FaultPlan.rateLimit(FaultPlan.retryAfterSeconds(0)),
  FaultPlan.rateLimit(FaultPlan.retryAfterHttpDate(1)),
  FaultPlan.rateLimit(FaultPlan.noRetryAfter),
  FaultPlan.serverError({ status: 500, body: "json" }),
  FaultPlan.serverError({ status: 500, body: "truncated-json" }),
  FaultPlan.serverError({ status: 502, body: "html" }),
  FaultPlan.serverError({ status: 503, body: "empty" }),
  FaultPlan.serverError({ status: 504, body: "html" }),
  FaultPlan.resetBeforeHeaders,
  FaultPlan.resetMidBody(),
  FaultPlan.truncatedBody(),
  FaultPlan.slow(400),
  FaultPlan.keepAliveReset
]

const maxAttempts = 5

describe("chaos", () => {
  it.live(
    "20,000 segments with 30% of requests faulted over loopback: every segment once, in order, within the retry bound",
    () => {
      const seed = SeedData.generateImport({ seed: 99, count: 20_000 })
      const api = FakeTaxonomyApi.make({
        imports: [seed],
        pageSize: 100,
        faults: FaultPlan.random({ seed: 2026, rate: 0.3, faults, maxConsecutive: 3 })
      })
      const logger = recordingLogger()
      return Effect.scoped(
        Effect.gen(function*() {
          const server = yield* FakeServer.make(api, { clock: () => Date.now() - 60_000 })
          const ids: Array<string> = []
          yield* Effect.flatMap(
            TaxonomyClient,
            (client) => Stream.runForEach(client.segments(seed.importId), (s) => Effect.sync(() => ids.push(s.id)))
          ).pipe(
            Effect.provide(NodeTaxonomyClient.layer({
              baseUrl: server.url,
              apiKey: Redacted.make(apiKey),
              requestTimeout: "150 millis",
              retry: { maxAttempts, baseDelay: "1 millis", maxDelay: "20 millis" }
            }))
          )

          // every segment exactly once, in server order
          assert.strictEqual(ids.length, 20_000)
          assert.deepStrictEqual(
            ids,
            seed.segments.map((s) => s.id)
          )

          // at least a quarter of all requests were faulted, with every kind of fault
          const requests = api.requests
          const faulted = requests.filter((r) => Option.isSome(r.fault))
          assert.isAtLeast(faulted.length / requests.length, 0.25)
          const kinds = new Set(faulted.map((r) => Option.getOrThrow(r.fault)._tag))
          assert.deepStrictEqual([...kinds].sort(), [
            "KeepAliveReset",
            "RateLimit",
            "ResetBeforeHeaders",
            "ResetMidBody",
            "ServerError",
            "Slow",
            "TruncatedBody"
          ])

          // attempts within the policy's bound, page by page; every extra request was a logged retry
          const attempts = new Map<number, number>()
          for (const r of requests) {
            attempts.set(Option.getOrThrow(r.page), (attempts.get(Option.getOrThrow(r.page)) ?? 0) + 1)
          }
          assert.strictEqual(attempts.size, 200)
          for (const [page, n] of attempts) {
            assert.isAtMost(n, maxAttempts, `page ${page}`)
          }
          const retries = logger.lines.filter((l) => l.includes("retrying after")).length
          assert.strictEqual(retries, requests.length - 200)
        }).pipe(Effect.provide(logger.layer))
      )
    },
    { timeout: 60_000 }
  )
})
