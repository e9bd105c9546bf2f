/**
 * Deterministic, realistic Taxonomy API data from a seed: segments in the
 * API's snake_case wire form, whole imports, and deterministic UUIDs.
 *
 * Everything here is a pure function of its inputs (a small seeded PRNG, no
 * clock, no `Math.random`): the same seed always gives byte-identical JSON.
 *
 * @since 0.1.0
 */
import * as Prng from "./internal/prng.js"
import * as internal from "./internal/seedData.js"

/**
 * A segment exactly as the API sends it in its snake_case wire form (the
 * spec's examples). `description`, `cpm` and `categories` may be absent (no
 * key) or `null`; `updated_at` is ISO-8601 with microseconds.
 *
 * @example
 * ```ts
 * import type { WireSegment } from "@effect-taxonomy/testing/SeedData"
 *
 * const segment: WireSegment = {
 *   id: "1b890475-1482-496d-bcfd-6b2f5564b249",
 *   code: "1234",
 *   name: "Sports > Football > Premier League Fans",
 *   import_id: "9f87bd3e-32eb-4d15-8e85-17fb275fa809",
 *   cpm: 2,
 *   categories: ["sports", "football"],
 *   updated_at: "2023-04-12T11:27:00.716632Z"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface WireSegment {
  readonly id: string
  readonly code: string
  readonly name: string
  readonly import_id: string
  readonly description?: string | null
  readonly cpm?: number | null
  readonly categories?: ReadonlyArray<string> | null
  readonly updated_at: string
}

/**
 * One import and its segments, in the order the fake API pages them. This is
 * the shape `FakeTaxonomyApi.make` takes in `imports`.
 *
 * @example
 * ```ts
 * import type { SeedImport } from "@effect-taxonomy/testing/SeedData"
 *
 * const empty: SeedImport = { importId: "32f8e031-c532-41bb-b25e-65bdb677a96f", segments: [] }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedImport {
  readonly importId: string
  readonly segments: ReadonlyArray<WireSegment>
}

/**
 * @example
 * ```ts
 * import type { GenerateSegmentsOptions } from "@effect-taxonomy/testing/SeedData"
 *
 * const options: GenerateSegmentsOptions = { importId: "32f8e031-c532-41bb-b25e-65bdb677a96f", count: 50, seed: 1 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerateSegmentsOptions {
  readonly importId: string
  readonly count: number
  readonly seed: number | string
}

/**
 * @example
 * ```ts
 * import type { GenerateImportOptions } from "@effect-taxonomy/testing/SeedData"
 *
 * const options: GenerateImportOptions = { seed: 7, count: 120 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerateImportOptions {
  readonly seed: number | string
  /** Defaults to a UUID derived from the seed. */
  readonly importId?: string
  /** Defaults to a number between 20 and 250 derived from the seed. */
  readonly count?: number
}

/**
 * @example
 * ```ts
 * import type { GenerateImportsOptions } from "@effect-taxonomy/testing/SeedData"
 *
 * const options: GenerateImportsOptions = { seed: 7, count: 3, segments: [10, 40] }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerateImportsOptions {
  readonly seed: number | string
  /** How many imports. */
  readonly count: number
  /** Segments per import: an exact number or an inclusive range (default `[20, 250]`). */
  readonly segments?: number | readonly [min: number, max: number]
}

/**
 * `count` plausible ad-tech segments for one import, deterministic in
 * `(seed, importId, count)`: names like `"Auto Intenders > Electric Vehicles"`,
 * codes like `"4821"` or `"AUTO-EV-0001"`, integer and fractional CPMs, and
 * some `description` / `cpm` / `categories` null or absent.
 *
 * @example
 * ```ts
 * import { generateSegments } from "@effect-taxonomy/testing/SeedData"
 *
 * const segments = generateSegments({ importId: "32f8e031-c532-41bb-b25e-65bdb677a96f", count: 50, seed: 1 })
 * console.log(segments.length) // 50
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateSegments: (options: GenerateSegmentsOptions) => ReadonlyArray<WireSegment> =
  internal.generateSegments

/**
 * One import (id and segments) from a seed.
 *
 * @example
 * ```ts
 * import { generateImport } from "@effect-taxonomy/testing/SeedData"
 *
 * const { importId, segments } = generateImport({ seed: 42, count: 120 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateImport: (options: GenerateImportOptions) => SeedImport = internal.generateImport

/**
 * Several imports from one seed, each with its own deterministic id.
 *
 * @example
 * ```ts
 * import { generateImports } from "@effect-taxonomy/testing/SeedData"
 *
 * const imports = generateImports({ seed: 42, count: 3, segments: [5, 30] })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateImports: (options: GenerateImportsOptions) => ReadonlyArray<SeedImport> = internal.generateImports

/**
 * A deterministic UUID v4 (version nibble `4`, RFC 4122 variant) derived
 * from the given parts: the same parts always give the same UUID.
 *
 * @example
 * ```ts
 * import { uuid } from "@effect-taxonomy/testing/SeedData"
 *
 * const importId = uuid("import", 1) // same value on every run
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const uuid = (...parts: ReadonlyArray<string | number>): string => Prng.uuid(parts)

/**
 * Whether a string is a UUID (any version, case-insensitive), the check the
 * fake API applies to the `importId` path parameter.
 *
 * @example
 * ```ts
 * import { isUuid } from "@effect-taxonomy/testing/SeedData"
 *
 * isUuid("32f8e031-c532-41bb-b25e-65bdb677a96f") // true
 * isUuid("not-a-uuid") // false
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isUuid = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)
