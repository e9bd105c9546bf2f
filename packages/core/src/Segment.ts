/**
 * The domain model of one segment of an import.
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import * as Schema from "effect/Schema"
import * as Timestamp from "./internal/timestamp.js"

/**
 * A segment's id: a UUID string, branded.
 *
 * @example
 * ```ts
 * import { SegmentId } from "@effect-taxonomy/core/Segment"
 * import * as Schema from "effect/Schema"
 *
 * const id = Schema.decodeUnknownSync(SegmentId)("1b890475-1482-496d-bcfd-6b2f5564b249")
 * ```
 *
 * @since 0.1.0
 * @category ids
 */
export const SegmentId = Schema.UUID.pipe(Schema.brand("@effect-taxonomy/SegmentId"))

/**
 * @since 0.1.0
 * @category ids
 */
export type SegmentId = typeof SegmentId.Type

/**
 * An import's id: a UUID string, branded. Import ids are checked against this
 * schema before any request is sent.
 *
 * @example
 * ```ts
 * import { ImportId } from "@effect-taxonomy/core/Segment"
 *
 * const id = ImportId.make("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
 * ```
 *
 * @since 0.1.0
 * @category ids
 */
export const ImportId = Schema.UUID.pipe(Schema.brand("@effect-taxonomy/ImportId"))

/**
 * @since 0.1.0
 * @category ids
 */
export type ImportId = typeof ImportId.Type

/**
 * One segment of an import, as the client hands it to you, whatever spelling
 * the server used on the wire.
 *
 * - `description` and `cpm` are `Option`s: absent and `null` on the wire are
 *   both `None`.
 * - `categories` is an array: absent and `null` on the wire are both `[]`.
 * - `updatedAt` is a UTC `DateTime` (millisecond precision, as JavaScript
 *   keeps); `updatedAtMicros` keeps the microseconds past that millisecond
 *   (0–999) that the API sends, so the full instant is never lost. Use
 *   {@link updatedAtIso} or {@link updatedAtEpochMicros} for it.
 *
 * @example
 * ```ts
 * import { Segment, updatedAtIso } from "@effect-taxonomy/core/Segment"
 *
 * declare const segment: Segment
 * console.log(segment.name, updatedAtIso(segment))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class Segment extends Schema.Class<Segment>("@effect-taxonomy/Segment")({
  id: SegmentId,
  code: Schema.String,
  name: Schema.String,
  importId: ImportId,
  description: Schema.OptionFromNullOr(Schema.String),
  cpm: Schema.OptionFromNullOr(Schema.Finite),
  categories: Schema.Array(Schema.String),
  updatedAt: Schema.DateTimeUtc,
  updatedAtMicros: Schema.Int.pipe(Schema.between(0, 999))
}) {}

/**
 * The segment's update time with the full precision the API sent, as
 * `YYYY-MM-DDTHH:mm:ss.ffffffZ`.
 *
 * @example
 * ```ts
 * import { updatedAtIso, type Segment } from "@effect-taxonomy/core/Segment"
 *
 * declare const segment: Segment
 * updatedAtIso(segment) // "2023-04-12T11:27:00.716632Z"
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const updatedAtIso = (segment: Segment): string =>
  Timestamp.format(DateTime.toEpochMillis(segment.updatedAt), segment.updatedAtMicros)

/**
 * The segment's update time in microseconds since the Unix epoch: exact, and
 * safe to compare for incremental syncs.
 *
 * @example
 * ```ts
 * import { updatedAtEpochMicros, type Segment } from "@effect-taxonomy/core/Segment"
 *
 * declare const segment: Segment
 * updatedAtEpochMicros(segment) // 1681298820716632
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const updatedAtEpochMicros = (segment: Segment): number =>
  DateTime.toEpochMillis(segment.updatedAt) * 1000 + segment.updatedAtMicros
