import { assert, describe, it } from "@effect/vitest"
import * as SeedData from "../src/SeedData.js"
import { uuidV4 } from "./utils.js"

const importId = "32f8e031-c532-41bb-b25e-65bdb677a96f"
const microsecondTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/

describe("SeedData", () => {
  it("same seed gives byte-identical output, another seed differs", () => {
    const a = JSON.stringify(SeedData.generateSegments({ importId, count: 200, seed: 42 }))
    const b = JSON.stringify(SeedData.generateSegments({ importId, count: 200, seed: 42 }))
    const c = JSON.stringify(SeedData.generateSegments({ importId, count: 200, seed: 43 }))
    assert.strictEqual(a, b)
    assert.notStrictEqual(a, c)
    assert.strictEqual(
      JSON.stringify(SeedData.generateImports({ seed: "demo", count: 3 })),
      JSON.stringify(SeedData.generateImports({ seed: "demo", count: 3 }))
    )
  })

  it("is pinned: seed 1 gives the same first segment on every machine", () => {
    const seed = SeedData.generateImport({ seed: 1, count: 50 })
    assert.strictEqual(seed.importId, "742a7965-21fd-4acd-b1d7-77913b1d320d")
    assert.strictEqual(seed.segments.length, 50)
    assert.deepStrictEqual(seed.segments[0], {
      id: "c623f491-7900-4f2b-80a8-5d6e49d5bc72",
      code: "6949",
      name: "Sports > Running > Marathon Runners",
      import_id: "742a7965-21fd-4acd-b1d7-77913b1d320d",
      description: "People who read running and marathon content.",
      cpm: 2,
      categories: ["sports", "running", "IAB19-12"],
      updated_at: "2023-04-30T00:27:28.180039Z"
    })
  })

  it("generates exactly `count` segments with unique v4 ids and the import id", () => {
    assert.strictEqual(SeedData.generateSegments({ importId, count: 0, seed: 1 }).length, 0)
    const segments = SeedData.generateSegments({ importId, count: 137, seed: 9 })
    assert.strictEqual(segments.length, 137)
    assert.strictEqual(new Set(segments.map((s) => s.id)).size, 137)
    assert.strictEqual(new Set(segments.map((s) => s.name)).size, 137)
    for (const s of segments) {
      assert.match(s.id, uuidV4)
      assert.strictEqual(s.import_id, importId)
    }
  })

  it("timestamps are ISO-8601 UTC with microseconds", () => {
    for (const s of SeedData.generateSegments({ importId, count: 100, seed: 5 })) {
      assert.match(s.updated_at, microsecondTimestamp)
      const ms = Date.parse(s.updated_at)
      assert.isFalse(Number.isNaN(ms))
      assert.isTrue(ms >= Date.UTC(2023, 0, 1) && ms < Date.UTC(2024, 7, 1))
    }
  })

  it("fields are plausible, with null and absent optionals and both kinds of CPM", () => {
    const segments = SeedData.generateImports({ seed: 11, count: 4, segments: 150 }).flatMap((i) => i.segments)
    assert.strictEqual(segments.length, 600)
    for (const s of segments) {
      assert.match(s.name, /^[A-Z][A-Za-z0-9&\- ]+( > [A-Za-z0-9&\- ]+)+$/)
      assert.match(s.code, /^(\d{4,5}|[A-Z0-9]+(-[A-Z0-9]+)*-\d{4})$/)
      if (typeof s.cpm === "number") assert.isTrue(s.cpm > 0 && s.cpm <= 6.5)
      if (Array.isArray(s.categories)) { for (const c of s.categories) assert.match(c, /^([a-z0-9_]+|IAB\d+-\d+)$/) }
      assert.deepStrictEqual(Object.keys(s).at(-1), "updated_at")
    }
    const count = (p: (s: SeedData.WireSegment) => boolean) => segments.filter(p).length
    assert.isAbove(count((s) => typeof s.description === "string"), 300)
    assert.isAbove(count((s) => s.description === null), 30)
    assert.isAbove(count((s) => !("description" in s)), 30)
    assert.isAbove(count((s) => typeof s.cpm === "number" && Number.isInteger(s.cpm)), 50)
    assert.isAbove(count((s) => typeof s.cpm === "number" && !Number.isInteger(s.cpm)), 50)
    assert.isAbove(count((s) => s.cpm === null), 30)
    assert.isAbove(count((s) => !("cpm" in s)), 20)
    assert.isAbove(count((s) => Array.isArray(s.categories) && s.categories.length > 0), 300)
    assert.isAbove(count((s) => Array.isArray(s.categories) && s.categories.length === 0), 20)
    assert.isAbove(count((s) => s.categories === null), 20)
    assert.isAbove(count((s) => !("categories" in s)), 20)
    assert.isAbove(count((s) => /^[A-Z]/.test(s.code)), 0)
    assert.isAbove(count((s) => /^\d+$/.test(s.code)), 0)
  })

  it("uuid is deterministic, v4-shaped, and distinct per input", () => {
    assert.strictEqual(SeedData.uuid("import", 1), SeedData.uuid("import", 1))
    assert.notStrictEqual(SeedData.uuid("import", 1), SeedData.uuid("import", 2))
    assert.match(SeedData.uuid("x"), uuidV4)
    assert.isTrue(SeedData.isUuid(SeedData.uuid("x").toUpperCase()))
    assert.isFalse(SeedData.isUuid("not-a-uuid"))
  })

  it("generateImport derives the id and count from the seed; generateImports gives distinct ids", () => {
    const a = SeedData.generateImport({ seed: 3 })
    const b = SeedData.generateImport({ seed: 3 })
    assert.strictEqual(a.importId, b.importId)
    assert.strictEqual(a.segments.length, b.segments.length)
    assert.isTrue(a.segments.length >= 20 && a.segments.length <= 250)
    assert.strictEqual(SeedData.generateImport({ seed: 3, importId, count: 5 }).segments[0]!.import_id, importId)
    const many = SeedData.generateImports({ seed: 3, count: 5, segments: [1, 10] })
    assert.strictEqual(many.length, 5)
    assert.strictEqual(new Set(many.map((i) => i.importId)).size, 5)
    for (const i of many) assert.isTrue(i.segments.length >= 1 && i.segments.length <= 10)
  })
})
