/**
 * A hand-written fast path for decoding page bodies, in front of the
 * `WireFormat` schemas.
 *
 * The schemas stay the single source of truth. This validator answers only
 * when it is sure: it either returns exactly what the schema decoder would
 * return (the same segments, built by the same {@link makeSegment}), or
 * `undefined`, and then the caller runs the schema decoder, which decides
 * (and, on a rejection, names the first problem). It never accepts an input
 * the schema rejects; anything unusual (a non-plain object, a class
 * instance, an array where a struct is expected) is simply left to the
 * schema. `test/WireDecode.property.test.ts` checks this against the schema
 * on generated inputs.
 *
 * It reads each field once, allocates only what the result holds, and
 * creates no closures per segment.
 *
 * @internal
 */
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import { Segment } from "../Segment.js"
import type { ImportId, SegmentId } from "../Segment.js"
import * as Timestamp from "./timestamp.js"

const SegmentPrototype: Segment = Segment.prototype

/**
 * Builds a segment from wire values that have passed validation. Both the
 * schema transformation and the fast path call it, so both produce the same
 * value for the same input.
 *
 * The result is what `new Segment(fields, true)` makes (the `Schema.Class`
 * constructor with validation off: a copy of the fields, no defaults to
 * merge, then `Data.Class`'s `Object.assign`): an object with `Segment`'s
 * prototype and these own fields, in this order. Built directly it costs a
 * tenth as much; `test/WireDecode.property.test.ts` checks the two are the
 * same (prototype, keys in order, values, `Equal`, `Hash`).
 *
 * @internal
 */
export const makeSegment = (
  id: string,
  code: string,
  name: string,
  importId: string,
  description: string | null | undefined,
  cpm: number | null | undefined,
  categories: ReadonlyArray<string>,
  updatedAt: Timestamp.ParsedTimestamp
): Segment => {
  const segment = Object.create(SegmentPrototype) as {
    -readonly [K in keyof Segment]: Segment[K]
  }
  segment.id = id as SegmentId
  segment.code = code
  segment.name = name
  segment.importId = importId as ImportId
  segment.description = description === undefined || description === null ? Option.none() : Option.some(description)
  segment.cpm = cpm === undefined || cpm === null ? Option.none() : Option.some(cpm)
  segment.categories = categories
  // what `DateTime.unsafeMake(epochMillis)` does, without its dispatch on the input's type
  segment.updatedAt = DateTime.unsafeFromDate(new Date(updatedAt.epochMillis))
  segment.updatedAtMicros = updatedAt.micros
  return segment
}

const ObjectPrototype = Object.prototype

/** A plain object (what `JSON.parse` makes): the only struct input the fast path reads. */
const isPlainObject = (u: unknown): u is Record<string, unknown> => {
  if (typeof u !== "object" || u === null) return false
  const proto = Object.getPrototypeOf(u)
  return proto === ObjectPrototype || proto === null
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102)

/**
 * `Schema.UUID`'s pattern (`/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/i`),
 * without the regular expression.
 *
 * @internal
 */
export const isUuid = (s: string): boolean => {
  if (s.length !== 36) return false
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i)
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false
    } else if (!isHex(c)) return false
  }
  return true
}

/** The last import id found valid: every segment of a page carries the same one. */
let lastImportId = ""

/** `Schema.optional(ImportId)`: absent (or `undefined`), or a UUID string. */
const optionalUuid = (u: unknown): boolean => {
  if (u === undefined || u === lastImportId) return true
  if (typeof u !== "string" || !isUuid(u)) return false
  lastImportId = u
  return true
}

/** `Schema.optional(Schema.String)` */
const optionalString = (u: unknown): boolean => u === undefined || typeof u === "string"

/**
 * One segment in either spelling, or `undefined` when not sure.
 *
 * @internal
 */
export const segment = (u: unknown): Segment | undefined => {
  if (!isPlainObject(u)) return undefined
  const id = u.id
  const code = u.code
  const name = u.name
  if (typeof id !== "string" || !isUuid(id) || typeof code !== "string" || typeof name !== "string") return undefined
  const snakeImportId = u.import_id
  const camelImportId = u.importId
  if (!optionalUuid(snakeImportId) || !optionalUuid(camelImportId)) return undefined
  const importId = (snakeImportId ?? camelImportId) as string | undefined
  if (importId === undefined) return undefined
  const description = u.description
  if (description !== undefined && description !== null && typeof description !== "string") return undefined
  const cpm = u.cpm
  if (cpm !== undefined && cpm !== null && (typeof cpm !== "number" || !Number.isFinite(cpm))) return undefined
  const rawCategories = u.categories
  let categories: Array<string>
  if (rawCategories === undefined || rawCategories === null) {
    categories = []
  } else if (Array.isArray(rawCategories)) {
    // a copy, as the schema's decoder makes: the segment never shares the caller's array
    const n = rawCategories.length
    categories = new Array<string>(n)
    for (let i = 0; i < n; i++) {
      const category: unknown = rawCategories[i]
      if (typeof category !== "string") return undefined
      categories[i] = category
    }
  } else {
    return undefined
  }
  const snakeUpdatedAt = u.updated_at
  const camelUpdatedAt = u.updatedAt
  if (!optionalString(snakeUpdatedAt) || !optionalString(camelUpdatedAt)) return undefined
  const raw = (snakeUpdatedAt ?? camelUpdatedAt) as string | undefined
  if (raw === undefined) return undefined
  const updatedAt = Timestamp.parse(raw)
  if (updatedAt === undefined) return undefined
  return makeSegment(
    id,
    code,
    name,
    importId,
    description as string | null | undefined,
    cpm as number | null | undefined,
    categories,
    updatedAt
  )
}

/** `TokenValue`: absent, `null`, a string, or `{ value: string | null }` (extra keys ignored). */
const tokenValue = (u: unknown): boolean => {
  if (u === undefined || u === null || typeof u === "string") return true
  if (!isPlainObject(u)) return false
  const value = u.value
  return value === null || typeof value === "string"
}

const nonNegativeInt = (u: unknown): boolean => typeof u === "number" && u >= 0 && Number.isSafeInteger(u)

/** `CountValue`: absent, `null`, a non-negative integer, or `{ value: <non-negative integer> | null }`. */
const countValue = (u: unknown): boolean => {
  if (u === undefined || u === null || nonNegativeInt(u)) return true
  return isPlainObject(u) && (u.value === null || nonNegativeInt(u.value))
}

/**
 * What the schema decoder of `WirePage` produces, as far as `pageBody`
 * reads it.
 *
 * @internal
 */
export interface DecodedPage {
  readonly elements: ReadonlyArray<Segment>
  readonly pagination: {
    readonly next_token?: string | { readonly value: string | null } | null | undefined
    readonly nextToken?: string | { readonly value: string | null } | null | undefined
    readonly total_count?: number | { readonly value: number | null } | null | undefined
    readonly totalCount?: number | { readonly value: number | null } | null | undefined
  }
}

/**
 * The `pagination` object of a page body, checked, or `undefined` when not
 * sure. Returned as it came: its unknown keys are never read. The segments
 * are not looked at: a stream's producer needs only the next token, and the
 * segments are decoded later (by {@link page}, or the schema).
 *
 * @internal
 */
export const pagination = (body: unknown): DecodedPage["pagination"] | undefined => {
  if (!isPlainObject(body)) return undefined
  const pagination = body.pagination
  if (
    !isPlainObject(pagination) ||
    !tokenValue(pagination.next_token) ||
    !tokenValue(pagination.nextToken) ||
    !countValue(pagination.total_count) ||
    !countValue(pagination.totalCount)
  ) {
    return undefined
  }
  return pagination as DecodedPage["pagination"]
}

/**
 * A whole page body, or `undefined` when not sure.
 *
 * @internal
 */
export const page = (body: unknown): DecodedPage | undefined => {
  const checked = pagination(body)
  if (checked === undefined) return undefined
  const elements = (body as Record<string, unknown>).elements
  if (elements === undefined || elements === null) return { elements: [], pagination: checked }
  if (!Array.isArray(elements)) return undefined
  const n = elements.length
  const segments = new Array<Segment>(n)
  for (let i = 0; i < n; i++) {
    const decoded = segment(elements[i])
    if (decoded === undefined) return undefined
    segments[i] = decoded
  }
  return { elements: segments, pagination: checked }
}
