import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as FakeTaxonomyApi from "../src/FakeTaxonomyApi.js"
import * as FaultPlan from "../src/FaultPlan.js"
import * as SeedData from "../src/SeedData.js"
import { get, isPage, segmentsUrl, walk } from "./utils.js"

const seed = SeedData.generateImport({ seed: 1, count: 50 })
const importId = seed.importId
const make = (faults: FaultPlan.FaultPlan) => FakeTaxonomyApi.make({ imports: [seed], pageSize: 7, faults })

describe("FaultPlan.scripted", () => {
  it("fails page 3 with a 503 twice, then serves it unchanged", () => {
    const api = make(FaultPlan.scripted([{ page: 3, times: 2, fault: FaultPlan.serverError({ status: 503 }) }]))
    const { segments, statuses } = walk(api, importId, { maxRetries: 2 })
    assert.deepStrictEqual(segments, seed.segments)
    assert.deepStrictEqual(statuses, [200, 200, 503, 503, 200, 200, 200, 200, 200, 200])
    const page3 = api.requests.filter((r) => Option.getOrUndefined(r.page) === 3)
    assert.strictEqual(page3.length, 3)
    assert.strictEqual(new Set(page3.map((r) => Option.getOrThrow(r.token))).size, 1)
    assert.deepStrictEqual(page3.map((r) => Option.isSome(r.fault)), [true, true, false])
  })

  it("matches by request index, by token and by import; times limits uses", () => {
    const token = make(FaultPlan.none).tokenFor(importId, 4)
    const api = make(FaultPlan.scripted([
      { index: 0, fault: FaultPlan.rateLimit() },
      { token, times: 1, fault: FaultPlan.resetBeforeHeaders },
      { importId: "00000000-0000-4000-8000-000000000000", fault: FaultPlan.serverError() }
    ]))
    const { segments } = walk(api, importId, { maxRetries: 1 })
    assert.deepStrictEqual(segments, seed.segments)
    const faulted = api.requests.filter((r) => Option.isSome(r.fault))
    assert.deepStrictEqual(faulted.map((r) => r.index), [0, 4]) // page 1 twice, pages 2, 3, then page 4
    assert.deepStrictEqual(faulted.map((r) => Option.getOrThrow(r.fault)._tag), ["RateLimit", "ResetBeforeHeaders"])
  })

  it("without times an entry applies to every matching request", () => {
    const api = make(FaultPlan.scripted([{ page: 2, fault: FaultPlan.serverError({ status: 500 }) }]))
    assert.throws(() => walk(api, importId, { maxRetries: 5 }), /page 2 failed: 500/)
    assert.strictEqual(api.requests.length, 7)
    const always = make(FaultPlan.always(FaultPlan.apiError("InsufficientAPIKey")))
    assert.deepStrictEqual([0, 1, 2].map(() => get(always, segmentsUrl(importId)).status), [403, 403, 403])
  })

  it("setFaultPlan swaps the plan at runtime", () => {
    const api = make(FaultPlan.none)
    assert.strictEqual(get(api, segmentsUrl(importId)).status, 200)
    api.setFaultPlan(FaultPlan.always(FaultPlan.rateLimit()))
    assert.strictEqual(get(api, segmentsUrl(importId)).status, 429)
    api.setFaultPlan(FaultPlan.none)
    assert.strictEqual(get(api, segmentsUrl(importId)).status, 200)
  })

  it("faults never change the data: a retried page equals the unfaulted page", () => {
    const clean = walk(make(FaultPlan.none), importId)
    const faulted = walk(
      make(FaultPlan.scripted(FaultPlan.transientFaults.map((fault, i) => ({ index: i * 2, fault })))),
      importId,
      { maxRetries: 1 }
    )
    assert.deepStrictEqual(faulted.segments, clean.segments)
    assert.deepStrictEqual(faulted.tokens, clean.tokens)
  })
})

describe("FaultPlan.random", () => {
  const faultsOf = (api: FakeTaxonomyApi.FakeTaxonomyApi) =>
    api.requests.map((r) => Option.match(r.fault, { onNone: () => "-", onSome: (f) => JSON.stringify(f) }))

  it("is reproducible from the seed", () => {
    const run = (seed: number) => {
      const api = make(FaultPlan.random({ seed, rate: 0.4 }))
      walk(api, importId, { maxRetries: 3 })
      return faultsOf(api)
    }
    assert.deepStrictEqual(run(7), run(7))
    assert.notDeepEqual(run(7), run(8))
    assert.isAbove(run(7).filter((f) => f !== "-").length, 0)
  })

  it("never faults one page more than maxConsecutive times in a row", () => {
    const always = make(FaultPlan.random({ seed: 1, rate: 1, maxConsecutive: 3, faults: [FaultPlan.rateLimit()] }))
    const { segments, statuses } = walk(always, importId, { maxRetries: 3 })
    assert.deepStrictEqual(segments, seed.segments)
    assert.deepStrictEqual(statuses, Array.from({ length: 8 }, () => [429, 429, 429, 200]).flat())
    for (const seedValue of [1, 2, 3, 4, 5]) {
      const api = make(FaultPlan.random({ seed: seedValue, rate: 0.7, maxConsecutive: 2 }))
      const result = walk(api, importId, { maxRetries: 2 })
      assert.deepStrictEqual(result.segments, seed.segments)
      let streak = 0
      for (const r of api.requests) {
        streak = Option.isSome(r.fault) ? streak + 1 : 0
        assert.isAtMost(streak, 2)
      }
    }
  })

  it("rate 0 never faults; defaults to the transient faults and maxConsecutive 3", () => {
    const api = make(FaultPlan.random({ seed: 1, rate: 0 }))
    walk(api, importId)
    assert.isTrue(api.requests.every((r) => Option.isNone(r.fault)))
    assert.deepStrictEqual(FaultPlan.random({ seed: 1, rate: 0.5 }), {
      _tag: "Random",
      seed: 1,
      rate: 0.5,
      faults: FaultPlan.transientFaults,
      maxConsecutive: 3
    })
  })

  it("every transient fault is a failed page for a client, so a bounded retry rides them out", () => {
    for (const fault of FaultPlan.transientFaults) {
      const reply = get(make(FaultPlan.always(fault)), segmentsUrl(importId))
      assert.isFalse(isPage(reply), fault._tag)
    }
  })
})

describe("Fault constructors", () => {
  it("have the documented defaults", () => {
    assert.deepStrictEqual(FaultPlan.rateLimit(), { _tag: "RateLimit", retryAfter: { _tag: "Seconds", seconds: 1 } })
    assert.deepStrictEqual(FaultPlan.serverError(), {
      _tag: "ServerError",
      status: 503,
      body: "json",
      retryAfter: { _tag: "None" }
    })
    assert.deepStrictEqual(FaultPlan.apiError("BadOrigin"), { _tag: "ApiError", variant: "BadOrigin", form: "wrapper" })
    assert.deepStrictEqual(FaultPlan.textBadRequest(), {
      _tag: "TextBadRequest",
      message: "Invalid value for: query parameter pagination_token"
    })
    assert.deepStrictEqual(FaultPlan.resetMidBody(), { _tag: "ResetMidBody" })
    assert.deepStrictEqual(FaultPlan.truncatedBody({ sentBytes: 3 }), { _tag: "TruncatedBody", sentBytes: 3 })
    assert.deepStrictEqual(FaultPlan.slow(10), { _tag: "Slow", delayMs: 10 })
    assert.deepStrictEqual(FaultPlan.tokenCycle(), { _tag: "TokenCycle", toPage: 1 })
    assert.deepStrictEqual(FaultPlan.scripted([]), { _tag: "Scripted", entries: [] })
    assert.deepStrictEqual(FaultPlan.none, { _tag: "None" })
  })
})
