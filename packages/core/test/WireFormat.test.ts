import { ImportId, Segment, updatedAtEpochMicros, updatedAtIso } from "@effect-taxonomy/core/Segment"
import type { SegmentPage } from "@effect-taxonomy/core/SegmentPage"
import { PageToken } from "@effect-taxonomy/core/SegmentPage"
import { decodePage, encodeSegment, SegmentFromWire } from "@effect-taxonomy/core/WireFormat"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

const importId = ImportId.make("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
const first = { importId, token: Option.none<PageToken>() }

// the 200 example of GET /imports/{importId}/segments, verbatim
const specExample = {
  elements: [
    {
      id: "1b890475-1482-496d-bcfd-6b2f5564b249",
      code: "1234",
      name: "Segment Name",
      import_id: "9f87bd3e-32eb-4d15-8e85-17fb275fa809",
      description: "segment description",
      cpm: 2,
      categories: ["category_1"],
      updated_at: "2023-04-12T11:27:00.716632Z"
    }
  ],
  pagination: { next_token: "MTIzNA==", total_count: 5 }
}

// the same page as the contract's schemas spell it
const camelExample = {
  elements: [
    {
      id: "1b890475-1482-496d-bcfd-6b2f5564b249",
      code: "1234",
      name: "Segment Name",
      importId: "9f87bd3e-32eb-4d15-8e85-17fb275fa809",
      description: "segment description",
      cpm: 2,
      categories: ["category_1"],
      updatedAt: "2023-04-12T11:27:00.716632Z"
    }
  ],
  pagination: { nextToken: { value: "MTIzNA==" }, totalCount: { value: 5 } }
}

const decodeOk = (body: unknown, context = first): SegmentPage => {
  const result = decodePage(body, context)
  if (Either.isLeft(result)) assert.fail(`expected a page, got: ${result.left.message}`)
  return result.right
}

const decodeErr = (body: unknown) => {
  const result = decodePage(body, first)
  if (Either.isRight(result)) assert.fail("expected a decode failure")
  return ParseResult.ArrayFormatter.formatErrorSync(result.left)[0]!
}

describe("WireFormat", () => {
  it("decodes the spec's example page to exactly the values it shows", () => {
    const page = decodeOk(specExample)
    assert.strictEqual(page.importId, importId)
    assert.deepStrictEqual(page.token, Option.none())
    assert.deepStrictEqual(page.nextToken, Option.some(PageToken.make("MTIzNA==")))
    assert.deepStrictEqual(page.totalCount, Option.some(5))
    assert.strictEqual(page.segments.length, 1)
    const s = page.segments[0]!
    assert.instanceOf(s, Segment)
    assert.strictEqual(s.id, "1b890475-1482-496d-bcfd-6b2f5564b249")
    assert.strictEqual(s.code, "1234")
    assert.strictEqual(s.name, "Segment Name")
    assert.strictEqual(s.importId, "9f87bd3e-32eb-4d15-8e85-17fb275fa809")
    assert.deepStrictEqual(s.description, Option.some("segment description"))
    assert.deepStrictEqual(s.cpm, Option.some(2))
    assert.deepStrictEqual(s.categories, ["category_1"])
    assert.isTrue(DateTime.isUtc(s.updatedAt))
    assert.strictEqual(DateTime.toEpochMillis(s.updatedAt), Date.UTC(2023, 3, 12, 11, 27, 0, 716))
    assert.strictEqual(s.updatedAtMicros, 632)
    assert.strictEqual(updatedAtIso(s), "2023-04-12T11:27:00.716632Z")
    assert.strictEqual(updatedAtEpochMicros(s), 1681298820716632)
  })

  it("decodes the camelCase {value} form of the same page to an equal model", () => {
    assert.deepStrictEqual(decodeOk(camelExample), decodeOk(specExample))
  })

  it("decodes mixed pages: some keys snake_case, some camelCase, wrapped and plain", () => {
    const mixed = {
      elements: [{ ...camelExample.elements[0], importId: undefined, import_id: specExample.elements[0]!.import_id }],
      pagination: { next_token: { value: "MTIzNA==" }, totalCount: 5 }
    }
    assert.deepStrictEqual(decodeOk(mixed), decodeOk(specExample))
    const mixed2 = {
      elements: [{ ...specExample.elements[0], updated_at: undefined, updatedAt: "2023-04-12T11:27:00.716632Z" }],
      pagination: { nextToken: "MTIzNA==", total_count: { value: 5 } }
    }
    assert.deepStrictEqual(decodeOk(mixed2), decodeOk(specExample))
  })

  it("decodes nulls for optional fields", () => {
    const page = decodeOk({
      elements: [{ ...specExample.elements[0], description: null, cpm: null, categories: null }],
      pagination: { next_token: null, total_count: null }
    })
    const s = page.segments[0]!
    assert.deepStrictEqual(s.description, Option.none())
    assert.deepStrictEqual(s.cpm, Option.none())
    assert.deepStrictEqual(s.categories, [])
    assert.deepStrictEqual(page.nextToken, Option.none())
    assert.deepStrictEqual(page.totalCount, Option.none())
  })

  it("decodes missing optional fields", () => {
    const { categories: _c, cpm: _p, description: _d, ...required } = specExample.elements[0]!
    const page = decodeOk({ elements: [required], pagination: {} })
    const s = page.segments[0]!
    assert.deepStrictEqual(s.description, Option.none())
    assert.deepStrictEqual(s.cpm, Option.none())
    assert.deepStrictEqual(s.categories, [])
    assert.deepStrictEqual(page.nextToken, Option.none())
    assert.deepStrictEqual(page.totalCount, Option.none())
  })

  it("decodes a page without elements (or with null elements) as an empty page", () => {
    for (const body of [{ pagination: { total_count: 0 } }, { elements: null, pagination: { total_count: 0 } }]) {
      const page = decodeOk(body)
      assert.deepStrictEqual(page.segments, [])
      assert.deepStrictEqual(page.totalCount, Option.some(0))
      assert.deepStrictEqual(page.nextToken, Option.none())
    }
  })

  it("ignores unknown extra fields on segments, pagination and the page", () => {
    const page = decodeOk({
      elements: [{ ...specExample.elements[0], colour: "blue", nested: { a: 1 } }],
      pagination: { ...specExample.pagination, page_size: 100 },
      meta: { generated: true }
    })
    assert.deepStrictEqual(page, decodeOk(specExample))
    assert.isFalse("colour" in page.segments[0]!)
  })

  it("reads absent, null and empty next tokens as the last page", () => {
    for (
      const pagination of [{}, { next_token: null }, { next_token: "" }, { nextToken: { value: "" } }, {
        nextToken: null
      }]
    ) {
      assert.deepStrictEqual(decodeOk({ elements: [], pagination }).nextToken, Option.none())
    }
  })

  it("keeps base64 tokens byte for byte", () => {
    assert.deepStrictEqual(
      decodeOk({ pagination: { next_token: "ab+c/d==" } }).nextToken,
      Option.some(PageToken.make("ab+c/d=="))
    )
  })

  it("records the token that fetched the page", () => {
    const token = Option.some(PageToken.make("MTIzNA=="))
    assert.deepStrictEqual(decodeOk(specExample, { importId, token }).token, token)
  })

  it("accepts any finite cpm: integers and doubles", () => {
    for (const cpm of [0, 2, 1.75, 1e-7, 12345.678]) {
      const page = decodeOk({ elements: [{ ...specExample.elements[0], cpm }], pagination: {} })
      assert.deepStrictEqual(page.segments[0]!.cpm, Option.some(cpm))
    }
  })

  it("accepts timestamps with an explicit offset, any fraction length, and none", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["2023-04-12T11:27:00.716632+00:00", "2023-04-12T11:27:00.716632Z"],
      ["2023-04-12T13:27:00.716632+02:00", "2023-04-12T11:27:00.716632Z"],
      ["2023-04-12T06:27:00.716632-05:00", "2023-04-12T11:27:00.716632Z"],
      ["2023-04-12T11:27:00.716632123Z", "2023-04-12T11:27:00.716632Z"],
      ["2023-04-12T11:27:00.7Z", "2023-04-12T11:27:00.700000Z"],
      ["2023-04-12T11:27:00Z", "2023-04-12T11:27:00.000000Z"],
      ["2024-02-29T23:59:59.999999Z", "2024-02-29T23:59:59.999999Z"]
    ]
    for (const [wire, iso] of cases) {
      const page = decodeOk({ elements: [{ ...specExample.elements[0], updated_at: wire }], pagination: {} })
      assert.strictEqual(updatedAtIso(page.segments[0]!), iso, wire)
    }
  })

  it("rejects a bad timestamp with the path of the problem", () => {
    for (const bad of ["2023-04-12", "2023-02-30T00:00:00Z", "yesterday", "2023-04-12T11:27:00.716632"]) {
      const issue = decodeErr({
        elements: [specExample.elements[0], { ...specExample.elements[0], updated_at: bad }],
        pagination: {}
      })
      assert.deepStrictEqual(issue.path, ["elements", 1, "updated_at"], bad)
    }
  })

  it("rejects a segment with no import id in either spelling, with its path", () => {
    const { import_id: _, ...noImport } = specExample.elements[0]!
    const issue = decodeErr({ elements: [noImport], pagination: {} })
    assert.deepStrictEqual(issue.path, ["elements", 0, "import_id"])
    assert.strictEqual(issue._tag, "Missing")
  })

  it("rejects non-UUID ids and a missing pagination object", () => {
    assert.deepStrictEqual(
      decodeErr({ elements: [{ ...specExample.elements[0], id: "42" }], pagination: {} }).path,
      ["elements", 0, "id"]
    )
    assert.deepStrictEqual(decodeErr({ elements: [] }).path, ["pagination"])
    assert.deepStrictEqual(decodeErr({ elements: [], pagination: { total_count: -1 } }).path, [
      "pagination",
      "total_count"
    ])
  })

  it("encodes a segment to the primary wire form and back", () => {
    const s = decodeOk(camelExample).segments[0]!
    const wire = encodeSegment(s)
    assert.deepStrictEqual(wire, specExample.elements[0])
    assert.deepStrictEqual(Schema.decodeUnknownSync(SegmentFromWire)(wire), s)
  })
})
