/**
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"

/**
 * @since 0.1.0
 */
export * as Segment from "./Segment.js"

/**
 * @since 0.1.0
 */
export * as SegmentPage from "./SegmentPage.js"

/**
 * @since 0.1.0
 */
export * as TaxonomyClient from "./TaxonomyClient.js"

/**
 * @since 0.1.0
 */
export * as TaxonomyError from "./TaxonomyError.js"

/**
 * @since 0.1.0
 */
export * as WireFormat from "./WireFormat.js"
