/**
 * The hand-written fast decoder (`internal/wireDecode.ts`) and timestamp
 * parser against the reference: the `WirePage` schema and the ISO-8601
 * regular expression. On every generated input, valid or not, in either wire
 * spelling, the fast path either stays silent or gives exactly the schema's
 * value; it never accepts what the schema rejects.
 */
import { Segment } from "@effect-taxonomy/core/Segment"
import { encodeSegment, pageBody, WirePage } from "@effect-taxonomy/core/WireFormat"
import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as Timestamp from "../src/internal/timestamp.js"
import * as Fast from "../src/internal/wireDecode.js"

const runs = { numRuns: 2_000 }

// ---------------------------------------------------------------------------
// timestamps

/** The regular-expression parser the hand-written one replaced (this repository's earlier version), kept as the reference. */
const referencePattern =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/
const daysIn = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28)
    : (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31)
const referenceParse = (input: string): Timestamp.ParsedTimestamp | undefined => {
  const m = referencePattern.exec(input)
  if (m === null) return undefined
  const year = +m[1]!
  const month = +m[2]!
  const day = +m[3]!
  const hour = +m[4]!
  const minute = +m[5]!
  const second = +m[6]!
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  const fraction = (m[7] ?? "").padEnd(6, "0")
  let offsetMinutes = 0
  if (m[9] !== undefined) {
    const offH = +m[10]!
    const offM = +m[11]!
    if (offH > 23 || offM > 59) return undefined
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (offH * 60 + offM)
  }
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, +fraction.slice(0, 3))
  return { epochMillis: date.getTime() - offsetMinutes * 60_000, micros: +fraction.slice(3, 6) }
}

const pad = (n: number, width: number) => String(n).padStart(width, "0")

/** Timestamps near the grammar: mostly well-formed, with out-of-range fields and one-character edits. */
const timestampArbitrary: FastCheck.Arbitrary<string> = FastCheck.oneof(
  FastCheck.record({
    year: FastCheck.integer({ min: 0, max: 9999 }),
    month: FastCheck.integer({ min: 0, max: 13 }),
    day: FastCheck.integer({ min: 0, max: 32 }),
    hour: FastCheck.integer({ min: 0, max: 25 }),
    minute: FastCheck.integer({ min: 0, max: 61 }),
    second: FastCheck.integer({ min: 0, max: 61 }),
    t: FastCheck.constantFrom("T", "t", " "),
    fraction: FastCheck.option(FastCheck.stringMatching(/^[0-9]{1,10}$/), { nil: undefined }),
    zone: FastCheck.oneof(
      FastCheck.constantFrom("Z", "z", "", "UTC"),
      FastCheck.record({
        sign: FastCheck.constantFrom("+", "-"),
        hours: FastCheck.integer({ min: 0, max: 25 }),
        minutes: FastCheck.integer({ min: 0, max: 61 }),
        colon: FastCheck.boolean()
      }).map(({ colon, hours, minutes, sign }) => `${sign}${pad(hours, 2)}${colon ? ":" : ""}${pad(minutes, 2)}`)
    )
  }).map((t) =>
    `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}${t.t}${pad(t.hour, 2)}:${pad(t.minute, 2)}:${
      pad(t.second, 2)
    }${t.fraction === undefined ? "" : `.${t.fraction}`}${t.zone}`
  ),
  FastCheck.tuple(
    FastCheck.date({
      min: new Date("1970-01-01T00:00:00Z"),
      max: new Date("2100-01-01T00:00:00Z"),
      noInvalidDate: true
    }),
    FastCheck.nat(40),
    FastCheck.string({ maxLength: 1 })
  ).map(([date, at, replacement]) => {
    const iso = date.toISOString()
    return iso.slice(0, at) + replacement + iso.slice(at + 1)
  }),
  FastCheck.string({ maxLength: 40 })
)

describe("timestamp parser", () => {
  it("agrees with the regular expression it replaced, on well-formed, out-of-range and mangled input", () => {
    let accepted = 0
    FastCheck.assert(
      FastCheck.property(timestampArbitrary, (input) => {
        const fast = Timestamp.parse(input)
        const reference = referenceParse(input)
        assert.deepStrictEqual(fast, reference, input)
        if (fast !== undefined) accepted++
      }),
      { numRuns: 20_000 }
    )
    // the generator reaches both sides of the grammar
    assert.isAbove(accepted, 2_000)
  })

  it("reads every instant the way Date does, to the millisecond, with the microseconds kept", () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.date({
          min: new Date("0100-01-01T00:00:00Z"),
          max: new Date("9999-12-31T23:59:59Z"),
          noInvalidDate: true
        }),
        FastCheck.integer({ min: 0, max: 999 }),
        (date, micros) => {
          const iso = date.toISOString().replace("Z", `${pad(micros, 3)}Z`)
          assert.deepStrictEqual(Timestamp.parse(iso), { epochMillis: date.getTime(), micros }, iso)
        }
      ),
      runs
    )
  })
})

// ---------------------------------------------------------------------------
// page bodies

/**
 * Segments from the domain model's own arbitrary, through the primary wire
 * encoding; those a server can send (the wire's timestamps have four-digit
 * years).
 */
const segmentArbitrary = FastCheck.tuple(
  Arbitrary.make(Segment),
  FastCheck.date({
    min: new Date("0000-01-01T00:00:00Z"),
    max: new Date("9999-12-31T23:59:59.999Z"),
    noInvalidDate: true
  })
).map(([segment, date]) => new Segment({ ...segment, updatedAt: DateTime.unsafeMake(date) }))
const primaryWire = segmentArbitrary.map((segment) => encodeSegment(segment) as Record<string, unknown>)

type Spelling = "snake" | "camel" | "mixed"

/** The same segment as the contract's camelCase schemas spell it, or a mix of both spellings. */
const respell = (wire: Record<string, unknown>, spelling: Spelling, flip: boolean): Record<string, unknown> => {
  if (spelling === "snake") return wire
  const { import_id, updated_at, ...rest } = wire
  if (spelling === "camel") return { ...rest, importId: import_id, updatedAt: updated_at }
  return flip ? { ...rest, importId: import_id, updated_at } : { ...rest, import_id, updatedAt: updated_at }
}

const tokenArbitrary = FastCheck.oneof(
  FastCheck.constant(undefined),
  FastCheck.constant(null),
  FastCheck.constant(""),
  FastCheck.base64String({ minLength: 4, maxLength: 24 })
)
const countArbitrary = FastCheck.oneof(
  FastCheck.constant(undefined),
  FastCheck.constant(null),
  FastCheck.nat(1_000_000)
)

const wrap = <A>(value: A, wrapped: boolean) => (wrapped && value !== undefined && value !== null ? { value } : value)

/** A page the schema accepts: either spelling throughout, wrappers or plain values, optional parts absent or null. */
const validPage = FastCheck.record({
  segments: FastCheck.array(
    FastCheck.tuple(primaryWire, FastCheck.constantFrom<Spelling>("snake", "camel", "mixed"), FastCheck.boolean()),
    { maxLength: 6 }
  ),
  elements: FastCheck.constantFrom("array", "absent", "null"),
  token: tokenArbitrary,
  count: countArbitrary,
  camelPagination: FastCheck.boolean(),
  wrapped: FastCheck.boolean()
}).map((p) => {
  const elements = p.segments.map(([wire, spelling, flip]) => respell(wire, spelling, flip))
  const pagination = p.camelPagination
    ? { nextToken: wrap(p.token, p.wrapped), totalCount: wrap(p.count, p.wrapped) }
    : { next_token: wrap(p.token, p.wrapped), total_count: wrap(p.count, p.wrapped) }
  const body: Record<string, unknown> = { pagination: JSON.parse(JSON.stringify(pagination)) }
  if (p.elements === "array" || elements.length > 0) body.elements = elements
  else if (p.elements === "null") body.elements = null
  return body
})

/** Values to plant anywhere: every JSON type, and the near misses. */
const junkArbitrary: FastCheck.Arbitrary<unknown> = FastCheck.oneof(
  FastCheck.constantFrom(
    undefined,
    null,
    "",
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    [],
    {},
    { value: null },
    { value: -1 },
    { value: 1.5 },
    "not-a-uuid",
    "9F87BD3E-32EB-4D15-8E85-17FB275FA809",
    "9f87bd3e-32eb-4d15-8e85-17fb275fa80",
    "2023-04-12T11:27:00.716632Z",
    "2023-02-30T11:27:00Z",
    ["a", 1],
    [null]
  ),
  FastCheck.jsonValue({ maxDepth: 2 })
)

/** Every path into a JSON-like value, so a mutation can reach any field. */
const pathsOf = (
  value: unknown,
  prefix: ReadonlyArray<string | number> = []
): Array<ReadonlyArray<string | number>> => {
  const here = [prefix]
  if (Array.isArray(value)) return here.concat(value.flatMap((v, i) => pathsOf(v, [...prefix, i])))
  if (typeof value === "object" && value !== null) {
    return here.concat(Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k])))
  }
  return here
}

const setAt = (value: unknown, path: ReadonlyArray<string | number>, planted: unknown, remove: boolean): unknown => {
  if (path.length === 0) return planted
  const [head, ...rest] = path
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) }
  if (rest.length === 0 && remove) {
    if (Array.isArray(copy)) copy.splice(head as number, 1)
    else delete copy[head!]
  } else {
    copy[head!] = setAt(copy[head!], rest, planted, remove)
  }
  return copy
}

/** A valid page with one field replaced, removed or added (which may or may not leave it valid). */
const mutatedPage = FastCheck.tuple(validPage, FastCheck.nat(), junkArbitrary, FastCheck.boolean(), FastCheck.string())
  .map(([page, pick, planted, remove, key]) => {
    const paths = pathsOf(page)
    const path = paths[pick % paths.length]!
    const target = path.length === 0 ? page : path.reduce<any>((v, k) => v[k], page)
    // sometimes add an unknown key to an object instead
    if (!remove && typeof target === "object" && target !== null && !Array.isArray(target) && pick % 5 === 0) {
      return setAt(page, [...path, key], planted, false)
    }
    return setAt(page, path, planted, remove)
  })

const schemaDecode = Schema.decodeUnknownEither(WirePage)

/** What `pageBody` reads from a decoded page, compared structurally (segments: prototype, own keys in order, values). */
const assertSamePage = (fast: Fast.DecodedPage, reference: typeof WirePage.Type) => {
  const expected = reference.elements ?? []
  assert.strictEqual(fast.elements.length, expected.length)
  fast.elements.forEach((segment, i) => {
    const other = expected[i]!
    assert.strictEqual(Object.getPrototypeOf(segment), Segment.prototype)
    assert.deepStrictEqual(Object.keys(segment), Object.keys(other))
    assert.deepStrictEqual({ ...segment }, { ...other })
    assert.isTrue(Equal.equals(segment.updatedAt, other.updatedAt))
  })
  // the pagination as the client reads it (unknown keys are ignored either way)
  const fastBody = pageBody({ elements: [], pagination: fast.pagination })
  const referenceBody = pageBody({ elements: [], pagination: reference.pagination })
  assert.deepStrictEqual(fastBody.nextToken, referenceBody.nextToken)
  assert.deepStrictEqual(fastBody.totalCount, referenceBody.totalCount)
}

describe("fast page decoder against the WirePage schema", () => {
  it("answers for every valid page in any spelling, with the schema's exact value", () => {
    FastCheck.assert(
      FastCheck.property(validPage, (body) => {
        const reference = schemaDecode(body)
        assert.isTrue(Either.isRight(reference), JSON.stringify(body))
        const fast = Fast.page(body)
        assert.isDefined(fast, JSON.stringify(body))
        assertSamePage(fast!, Either.getOrThrow(reference))
      }),
      runs
    )
  })

  it("never accepts a body the schema rejects, and agrees on every body it accepts", () => {
    let rejected = 0
    let answered = 0
    FastCheck.assert(
      FastCheck.property(mutatedPage, (body) => {
        const reference = schemaDecode(body)
        const fast = Fast.page(body)
        if (Either.isLeft(reference)) {
          rejected++
          assert.isUndefined(fast, JSON.stringify(body))
        } else if (fast !== undefined) {
          answered++
          assertSamePage(fast, reference.right)
        }
      }),
      { numRuns: 5_000 }
    )
    // the mutations reach both outcomes
    assert.isAbove(rejected, 1_000)
    assert.isAbove(answered, 500)
  })

  it("stays silent on arbitrary values of the encoded schema it cannot vouch for, never contradicting the schema", () => {
    FastCheck.assert(
      FastCheck.property(Arbitrary.make(Schema.encodedSchema(WirePage)), (body) => {
        const fast = Fast.page(body)
        const reference = schemaDecode(body)
        if (fast !== undefined) {
          assert.isTrue(Either.isRight(reference))
          assertSamePage(fast, Either.getOrThrow(reference))
        }
      }),
      runs
    )
  })

  it("the pagination check alone never accepts pagination the schema rejects, and vouches for the common case", () => {
    let vouched = 0
    FastCheck.assert(
      FastCheck.property(mutatedPage, (body) => {
        const checked = Fast.pagination(body)
        const reference = Schema.decodeUnknownEither(Schema.Struct({ pagination: WirePage.fields.pagination }))(body)
        if (checked !== undefined) {
          vouched++
          assert.isTrue(Either.isRight(reference), JSON.stringify(body))
        }
      }),
      { numRuns: 5_000 }
    )
    assert.isAbove(vouched, 2_500)
    FastCheck.assert(FastCheck.property(validPage, (body) => Fast.pagination(body) !== undefined), runs)
  })

  it("the segments it builds are the ones the schema class constructor builds", () => {
    FastCheck.assert(
      FastCheck.property(segmentArbitrary, (segment) => {
        const rebuilt = Fast.segment(encodeSegment(segment))
        assert.isDefined(rebuilt)
        const viaClass = new Segment({ ...segment }, true)
        assert.deepStrictEqual(Object.keys(rebuilt!), Object.keys(viaClass))
        assert.deepStrictEqual({ ...rebuilt! }, { ...viaClass })
        assert.deepStrictEqual({ ...rebuilt! }, { ...segment })
      }),
      runs
    )
  })
})
