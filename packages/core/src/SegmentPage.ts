/**
 * One page of an import's segments, with what is needed to checkpoint and
 * resume.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { ImportId, Segment } from "./Segment.js"

/**
 * An opaque pagination token, exactly as the server sent it (base64: it may
 * contain `+`, `/` and `=`). Never empty: an empty token on the wire means
 * "last page" and is decoded as `Option.none()`.
 *
 * @example
 * ```ts
 * import { PageToken } from "@effect-taxonomy/core/SegmentPage"
 *
 * const token = PageToken.make("MTIzNA==")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const PageToken = Schema.NonEmptyString.pipe(Schema.brand("@effect-taxonomy/PageToken"))

/**
 * @since 0.1.0
 * @category models
 */
export type PageToken = typeof PageToken.Type

/**
 * One page: its segments, the token that fetched it (`None` for the first
 * page), the next token (`None` on the last page) and the total count over
 * all pages when the server gave one.
 *
 * To resume after a crash, persist `nextToken` of the last page you finished
 * and pass it as `from` to `TaxonomyClient.pages` / `segments`.
 *
 * @example
 * ```ts
 * import * as Option from "effect/Option"
 * import type { SegmentPage } from "@effect-taxonomy/core/SegmentPage"
 *
 * declare const page: SegmentPage
 * const checkpoint = Option.getOrUndefined(page.nextToken)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class SegmentPage extends Schema.Class<SegmentPage>("@effect-taxonomy/SegmentPage")({
  importId: ImportId,
  token: Schema.OptionFromNullOr(PageToken),
  segments: Schema.Array(Segment),
  nextToken: Schema.OptionFromNullOr(PageToken),
  totalCount: Schema.OptionFromNullOr(Schema.NonNegativeInt)
}) {}
