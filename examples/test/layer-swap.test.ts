/**
 * Use 3: in your own tests, swap the layer. `TaxonomyClientTest.layer` is a
 * real client over the fake API in memory, fed with segments you choose, and
 * can script failures so you can test your own error paths.
 */
import { ImportId, Segment, SegmentId } from "@effect-taxonomy/core/Segment"
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import * as TaxonomyClientTest from "@effect-taxonomy/testing/TaxonomyClientTest"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { categoryCounts } from "../src/categories.js"

const importId = ImportId.make("9f87bd3e-32eb-4d15-8e85-17fb275fa809")

const segment = (n: number, name: string) =>
  new Segment({
    id: SegmentId.make(`00000000-0000-4000-8000-${String(n).padStart(12, "0")}`),
    code: String(n),
    name,
    importId,
    description: Option.none(),
    cpm: Option.some(1.5),
    categories: [],
    updatedAt: DateTime.unsafeMake("2024-01-01T00:00:00Z"),
    updatedAtMicros: 0
  })

const mine = [
  segment(1, "Sports > Football"),
  segment(2, "Sports > Tennis"),
  segment(3, "Travel > Beaches"),
  segment(4, "Sports > Golf"),
  segment(5, "Finance > Pensions")
]

describe("categoryCounts, with the client layer swapped for a test one", () => {
  it.live("counts across pages", () =>
    categoryCounts(importId).pipe(
      Effect.map((counts) => assert.deepStrictEqual([...counts], [["Sports", 3], ["Travel", 1], ["Finance", 1]])),
      Effect.provide(TaxonomyClientTest.layer({ segments: { [importId]: mine }, pageSize: 2 }))
    ))

  it.live("survives a rate limit and a 503 (the client retries them)", () =>
    categoryCounts(importId).pipe(
      Effect.map((counts) => assert.strictEqual(counts.get("Sports"), 3)),
      Effect.provide(TaxonomyClientTest.layer({
        segments: { [importId]: mine },
        pageSize: 2,
        faults: FaultPlan.scripted([
          { page: 2, times: 1, fault: FaultPlan.rateLimit(FaultPlan.noRetryAfter) },
          { page: 3, times: 1, fault: FaultPlan.serverError({ status: 503, body: "html" }) }
        ])
      }))
    ))

  it.live("lets you test your own error path, by tag", () =>
    categoryCounts(importId).pipe(
      Effect.as("counted"),
      Effect.catchTag(
        "AuthorizationFailed",
        (error) => Effect.succeed(`denied after ${error.segmentsEmitted} segments`)
      ),
      Effect.map((outcome) => assert.strictEqual(outcome, "denied after 2 segments")),
      Effect.provide(TaxonomyClientTest.layer({
        segments: { [importId]: mine },
        pageSize: 2,
        faults: FaultPlan.scripted([{ page: 2, fault: FaultPlan.apiError("AuthorizationFailed") }])
      }))
    ))
})
