/**
 * Codecs between what the Taxonomy API puts on the wire and the domain model.
 *
 * The published contract disagrees with itself: its schemas say camelCase
 * with `{ "value": ... }` wrappers, its examples (and the service) say
 * snake_case with plain values. These codecs accept both, and any mix of the
 * two, and produce one model. Encoding writes the primary form: snake_case,
 * plain values, full-precision timestamps.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import * as Timestamp from "./internal/timestamp.js"
import * as Fast from "./internal/wireDecode.js"
import { ImportId, Segment, SegmentId, updatedAtIso } from "./Segment.js"
import { PageToken, SegmentPage } from "./SegmentPage.js"

const NullishOptional = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

/**
 * A segment as it may arrive on the wire: either spelling of `import_id` /
 * `importId` and `updated_at` / `updatedAt`, optional fields absent or `null`,
 * unknown extra fields ignored.
 *
 * @example
 * ```ts
 * import { WireSegment } from "@effect-taxonomy/core/WireFormat"
 * import * as Schema from "effect/Schema"
 *
 * const wire = Schema.decodeUnknownSync(WireSegment)({
 *   id: "1b890475-1482-496d-bcfd-6b2f5564b249", code: "1234", name: "Segment Name",
 *   importId: "9f87bd3e-32eb-4d15-8e85-17fb275fa809", updatedAt: "2023-04-12T11:27:00.716632Z", extra: true
 * })
 * "extra" in wire // false
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const WireSegment = Schema.Struct({
  id: SegmentId,
  code: Schema.String,
  name: Schema.String,
  import_id: Schema.optional(ImportId),
  importId: Schema.optional(ImportId),
  description: NullishOptional(Schema.String),
  cpm: NullishOptional(Schema.Finite),
  categories: NullishOptional(Schema.Array(Schema.String)),
  updated_at: Schema.optional(Schema.String),
  updatedAt: Schema.optional(Schema.String)
})

/**
 * The wire form of a segment, in either spelling.
 *
 * @since 0.1.0
 * @category models
 */
export type WireSegment = typeof WireSegment.Encoded

const timestampMessage = "an ISO-8601 date-time with a Z or ±hh:mm offset, e.g. 2023-04-12T11:27:00.716632Z"

/**
 * Decodes a wire segment (either spelling, or a mix) into a {@link Segment};
 * encodes a `Segment` into the primary wire form (snake_case, plain values,
 * microsecond timestamp).
 *
 * @example
 * ```ts
 * import { SegmentFromWire } from "@effect-taxonomy/core/WireFormat"
 * import * as Schema from "effect/Schema"
 *
 * const segment = Schema.decodeUnknownSync(SegmentFromWire)({
 *   id: "1b890475-1482-496d-bcfd-6b2f5564b249",
 *   code: "1234",
 *   name: "Segment Name",
 *   import_id: "9f87bd3e-32eb-4d15-8e85-17fb275fa809",
 *   cpm: 2,
 *   categories: ["category_1"],
 *   updated_at: "2023-04-12T11:27:00.716632Z"
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const SegmentFromWire: Schema.Schema<Segment, WireSegment> = Schema.transformOrFail(
  WireSegment,
  Schema.typeSchema(Segment),
  {
    strict: true,
    decode: (wire, _, ast) => {
      const importId = wire.import_id ?? wire.importId
      if (importId === undefined) {
        return ParseResult.fail(
          new ParseResult.Pointer(
            "import_id",
            wire,
            new ParseResult.Missing(new AST.Type(AST.stringKeyword), "import_id is missing")
          )
        )
      }
      const updatedKey = wire.updated_at !== undefined ? "updated_at" : "updatedAt"
      const raw = wire.updated_at ?? wire.updatedAt
      if (raw === undefined) {
        return ParseResult.fail(
          new ParseResult.Pointer(
            "updated_at",
            wire,
            new ParseResult.Missing(new AST.Type(AST.stringKeyword), "updated_at is missing")
          )
        )
      }
      const parsed = Timestamp.parse(raw)
      if (parsed === undefined) {
        return ParseResult.fail(
          new ParseResult.Pointer(
            updatedKey,
            wire,
            new ParseResult.Type(ast, raw, `Expected ${timestampMessage}, got ${JSON.stringify(raw)}`)
          )
        )
      }
      return ParseResult.succeed(
        Fast.makeSegment(
          wire.id,
          wire.code,
          wire.name,
          importId,
          wire.description,
          wire.cpm,
          wire.categories ?? [],
          parsed
        )
      )
    },
    encode: (segment) =>
      ParseResult.succeed({
        id: segment.id,
        code: segment.code,
        name: segment.name,
        import_id: segment.importId,
        description: Option.getOrNull(segment.description),
        cpm: Option.getOrNull(segment.cpm),
        categories: segment.categories,
        updated_at: updatedAtIso(segment)
      })
  }
)

const TokenValue = Schema.NullOr(Schema.Union(
  Schema.String,
  Schema.Struct({ value: Schema.NullOr(Schema.String) })
))

const CountValue = Schema.NullOr(Schema.Union(
  Schema.NonNegativeInt,
  Schema.Struct({ value: Schema.NullOr(Schema.NonNegativeInt) })
))

/**
 * The `pagination` object in either spelling: `next_token: "..."` or
 * `nextToken: { "value": "..." }` (and the other two mixes), likewise for the
 * total count.
 *
 * @example
 * ```ts
 * import { WirePagination } from "@effect-taxonomy/core/WireFormat"
 * import * as Schema from "effect/Schema"
 *
 * const decode = Schema.decodeUnknownSync(WirePagination)
 * decode({ next_token: "MTIzNA==", total_count: 2 }) // { next_token: "MTIzNA==", total_count: 2 }
 * decode({ nextToken: { value: "MTIzNA==" }, totalCount: { value: 2 } }) // same page, camelCase
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const WirePagination = Schema.Struct({
  next_token: Schema.optional(TokenValue),
  nextToken: Schema.optional(TokenValue),
  total_count: Schema.optional(CountValue),
  totalCount: Schema.optional(CountValue)
})

/**
 * A page body as it arrives: `elements` optional (absent or `null` is an empty
 * page), `pagination` required.
 *
 * @example
 * ```ts
 * import { WirePage } from "@effect-taxonomy/core/WireFormat"
 * import * as Schema from "effect/Schema"
 *
 * const page = Schema.decodeUnknownSync(WirePage)({ elements: null, pagination: { next_token: "" } })
 * page.elements // null
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const WirePage = Schema.Struct({
  elements: Schema.optional(Schema.NullOr(Schema.Array(SegmentFromWire))),
  pagination: WirePagination
})

/**
 * What a page body says, in domain terms.
 *
 * @example
 * ```ts
 * import type { PageBody } from "@effect-taxonomy/core/WireFormat"
 * import * as Option from "effect/Option"
 *
 * const isLastPage = (body: PageBody): boolean => Option.isNone(body.nextToken)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface PageBody {
  readonly segments: ReadonlyArray<Segment>
  readonly nextToken: Option.Option<PageToken>
  readonly totalCount: Option.Option<number>
}

/** A token in either form; `""` (like absent and `null`) is no token. */
const tokenOf = (value: typeof TokenValue.Type | undefined): string | undefined => {
  const token = value === undefined || value === null ? undefined : typeof value === "string" ? value : value.value
  return token === null || token === "" ? undefined : token
}

const countOf = (value: typeof CountValue.Type | undefined): number | undefined =>
  value === undefined || value === null ? undefined : typeof value === "number" ? value : (value.value ?? undefined)

/**
 * Reads a decoded {@link WirePage} into a {@link PageBody}: a next token that
 * is absent, `null` or `""` is `None` (the last page). When a page carries
 * both spellings, the first one that holds a token wins (`next_token: ""`
 * beside `nextToken: { value: "X" }` follows `X`: stopping early would lose
 * pages, and a repeated token is caught by the loop guard).
 *
 * @example
 * ```ts
 * import { pageBody, WirePage } from "@effect-taxonomy/core/WireFormat"
 * import * as Option from "effect/Option"
 * import * as Schema from "effect/Schema"
 *
 * const body = pageBody(Schema.decodeUnknownSync(WirePage)({ elements: null, pagination: { next_token: "" } }))
 * body.segments.length // 0
 * Option.isNone(body.nextToken) // true
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const pageBody = (page: typeof WirePage.Type): PageBody => {
  const p = page.pagination
  const token = tokenOf(p.next_token) ?? tokenOf(p.nextToken)
  const count = countOf(p.total_count) ?? countOf(p.totalCount)
  return {
    segments: page.elements ?? [],
    nextToken: token === undefined ? Option.none() : Option.some(PageToken.make(token)),
    totalCount: Option.fromNullable(count)
  }
}

const decodeWirePage = Schema.decodeUnknownEither(WirePage)

const toSegmentPage = (
  page: typeof WirePage.Type | Fast.DecodedPage,
  context: { readonly importId: ImportId; readonly token: Option.Option<PageToken> }
): SegmentPage => new SegmentPage({ importId: context.importId, token: context.token, ...pageBody(page) }, true)

/**
 * Decodes a parsed JSON page body into a {@link SegmentPage}, given the import
 * it belongs to and the token that fetched it.
 *
 * The {@link WirePage} schema decides what is valid. A hand-written validator
 * runs first and answers only when it is sure, with exactly the value the
 * schema would give; on anything else (including every invalid body) the
 * schema decoder runs and produces the result, or the error naming the first
 * problem. The two are checked against each other by property tests.
 *
 * @example
 * ```ts
 * import { decodePage } from "@effect-taxonomy/core/WireFormat"
 * import { ImportId } from "@effect-taxonomy/core/Segment"
 * import * as Option from "effect/Option"
 *
 * const page = decodePage(
 *   { elements: [], pagination: { next_token: "" } },
 *   { importId: ImportId.make("9f87bd3e-32eb-4d15-8e85-17fb275fa809"), token: Option.none() }
 * )
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodePage = (
  body: unknown,
  context: { readonly importId: ImportId; readonly token: Option.Option<PageToken> }
): Either.Either<SegmentPage, ParseResult.ParseError> => {
  const fast = Fast.page(body)
  if (fast !== undefined) return Either.right(toSegmentPage(fast, context))
  return Either.map(decodeWirePage(body), (page) => toSegmentPage(page, context))
}

/**
 * Encodes a segment into the primary wire form (snake_case, plain values,
 * microsecond timestamp): the shape this project writes as NDJSON.
 *
 * @example
 * ```ts
 * import { encodeSegment } from "@effect-taxonomy/core/WireFormat"
 * import type { Segment } from "@effect-taxonomy/core/Segment"
 *
 * declare const segment: Segment
 * process.stdout.write(JSON.stringify(encodeSegment(segment)) + "\n")
 * ```
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeSegment: (segment: Segment) => WireSegment = Schema.encodeSync(SegmentFromWire)
