/**
 * The decode micro-benchmark: realistic pages (SeedData, 100 segments each,
 * in both wire spellings) decoded over and over, by `JSON.parse` alone, by
 * the reference `Schema` decoder of `WireFormat.WirePage`, and by
 * `WireFormat.decodePage` (what the client runs on every page).
 *
 * @since 0.1.0
 */
import { ImportId } from "@effect-taxonomy/core/Segment"
import { SegmentPage } from "@effect-taxonomy/core/SegmentPage"
import * as WireFormat from "@effect-taxonomy/core/WireFormat"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * One measured decode path.
 *
 * @since 0.1.0
 */
export interface DecodeRow {
  readonly path: string
  readonly spelling: "snake" | "camel"
  readonly segmentsPerSecond: number
  readonly microsPerPage: number
}

const camel = (segment: SeedData.WireSegment): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(segment)) {
    out[key === "import_id" ? "importId" : key === "updated_at" ? "updatedAt" : key] = value
  }
  return out
}

const pagesOf = (seed: SeedData.SeedImport, pageSize: number, spelling: "snake" | "camel"): Array<string> => {
  const pages: Array<string> = []
  for (let offset = 0; offset < seed.segments.length; offset += pageSize) {
    const elements = seed.segments.slice(offset, offset + pageSize)
    const next = offset + pageSize < seed.segments.length ? `dG9rZW4${offset}+/==` : undefined
    pages.push(JSON.stringify(
      spelling === "snake"
        ? { elements, pagination: { ...(next ? { next_token: next } : {}), total_count: seed.segments.length } }
        : {
          elements: elements.map(camel),
          pagination: { ...(next ? { nextToken: { value: next } } : {}), totalCount: { value: seed.segments.length } }
        }
    ))
  }
  return pages
}

const referenceDecode = Schema.decodeUnknownEither(WireFormat.WirePage)

/**
 * Run every path for about `millis` each, per spelling.
 *
 * @since 0.1.0
 */
export const run = (options: { readonly segments: number; readonly pageSize: number; readonly millis: number }) => {
  const seed = SeedData.generateImport({ seed: "decode", count: options.segments })
  const importId = ImportId.make(seed.importId)
  const context = { importId, token: Option.none() }
  const rows: Array<DecodeRow> = []
  let sink = 0
  for (const spelling of ["snake", "camel"] as const) {
    const texts = pagesOf(seed, options.pageSize, spelling)
    const parsed = texts.map((text) => JSON.parse(text) as unknown)
    const paths: ReadonlyArray<readonly [string, (i: number) => number]> = [
      ["JSON.parse only", (i) => (JSON.parse(texts[i]!) as { elements: Array<unknown> }).elements.length],
      ["Schema decode (reference, parsed input)", (i) => {
        const result = referenceDecode(parsed[i])
        if (result._tag === "Left") throw new Error(String(result.left))
        const page = new SegmentPage({ ...context, ...WireFormat.pageBody(result.right) }, true)
        return page.segments.length
      }],
      ["decodePage (parsed input)", (i) => {
        const result = WireFormat.decodePage(parsed[i], context)
        if (result._tag === "Left") throw new Error(String(result.left))
        return result.right.segments.length
      }],
      ["JSON.parse + decodePage", (i) => {
        const result = WireFormat.decodePage(JSON.parse(texts[i]!), context)
        if (result._tag === "Left") throw new Error(String(result.left))
        return result.right.segments.length
      }]
    ]
    for (const [path, f] of paths) {
      // warm up, then measure whole passes over the pages until the time is up
      for (let i = 0; i < texts.length; i++) sink += f(i)
      let segments = 0
      let pages = 0
      const start = performance.now()
      let elapsed = 0
      do {
        for (let i = 0; i < texts.length; i++) segments += f(i)
        pages += texts.length
        elapsed = performance.now() - start
      } while (elapsed < options.millis)
      rows.push({
        path,
        spelling,
        segmentsPerSecond: segments / (elapsed / 1000),
        microsPerPage: (elapsed * 1000) / pages
      })
    }
  }
  if (sink < 0) console.log(sink)
  return rows
}
