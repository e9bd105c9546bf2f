/**
 * Export every segment of an import to a Node.js writable (a file, stdout)
 * as NDJSON, CSV or a JSON array, with backpressure and a summary.
 *
 * @since 0.1.0
 */
import type { Segment } from "@effect-taxonomy/core/Segment"
import type { SegmentPage } from "@effect-taxonomy/core/SegmentPage"
import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import type { StreamOptions } from "@effect-taxonomy/core/TaxonomyClient"
import type { TaxonomyError } from "@effect-taxonomy/core/TaxonomyError"
import { encodeSegment } from "@effect-taxonomy/core/WireFormat"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { Writable } from "node:stream"

/**
 * Output formats: one JSON object per line, CSV with a header row, or one
 * JSON array.
 *
 * @example
 * ```ts
 * import type { Format } from "@effect-taxonomy/node/SegmentExport"
 *
 * const format: Format = "csv"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Format = "ndjson" | "csv" | "json"

/**
 * The formats, for validation and help texts.
 *
 * @example
 * ```ts
 * import { formats } from "@effect-taxonomy/node/SegmentExport"
 *
 * console.log(formats.join(" | ")) // ndjson | csv | json
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const formats: ReadonlyArray<Format> = ["ndjson", "csv", "json"]

/**
 * Writing to the output failed (disk full, closed pipe). The segments written
 * before are intact; `segmentsWritten` says how many. `code` is the system
 * error's code when there is one (`"EPIPE"`: the reader of a pipe went away,
 * `"ENOSPC"`: the disk is full).
 *
 * @example
 * ```ts
 * import { OutputError } from "@effect-taxonomy/node/SegmentExport"
 *
 * const e = new OutputError({ description: "write EPIPE", code: "EPIPE", segmentsWritten: 100 })
 * const readerWentAway = e.code === "EPIPE"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class OutputError extends Schema.TaggedError<OutputError>("@effect-taxonomy/OutputError")("OutputError", {
  description: Schema.String,
  code: Schema.optional(Schema.String),
  segmentsWritten: Schema.NonNegativeInt
}) {
  override get message(): string {
    return `Could not write the output: ${this.description} (${this.segmentsWritten} segments written before).`
  }
}

/**
 * The CSV columns, in order. `categories` is joined with `;`.
 *
 * @example
 * ```ts
 * import { csvColumns } from "@effect-taxonomy/node/SegmentExport"
 *
 * console.log(csvColumns.join(",")) // id,code,name,import_id,description,cpm,categories,updated_at
 * ```
 *
 * @since 0.1.0
 * @category formats
 */
export const csvColumns = ["id", "code", "name", "import_id", "description", "cpm", "categories", "updated_at"] as const

const csvField = (value: string): string => /[",\r\n]/.test(value) ? `"${value.replace(/"/g, "\"\"")}"` : value

/**
 * One segment as a CSV row (with its line ending): RFC 4180 quoting of
 * commas, quotes and newlines; empty fields for absent values.
 *
 * @example
 * ```ts
 * import { csvRow } from "@effect-taxonomy/node/SegmentExport"
 * import type { Segment } from "@effect-taxonomy/core/Segment"
 *
 * declare const segment: Segment
 * process.stdout.write(csvRow(segment))
 * ```
 *
 * @since 0.1.0
 * @category formats
 */
export const csvRow = (segment: Segment): string => {
  const w = encodeSegment(segment)
  return [
    w.id,
    w.code,
    w.name,
    w.import_id ?? "",
    w.description ?? "",
    w.cpm === null || w.cpm === undefined ? "" : String(w.cpm),
    (w.categories ?? []).join(";"),
    w.updated_at ?? ""
  ].map(csvField).join(",") + "\r\n"
}

/**
 * One segment as an NDJSON line: the API's primary wire form (snake_case,
 * every field present, `null` for absent values, microsecond `updated_at`).
 *
 * @example
 * ```ts
 * import { ndjsonLine } from "@effect-taxonomy/node/SegmentExport"
 * import type { Segment } from "@effect-taxonomy/core/Segment"
 *
 * declare const segment: Segment
 * process.stdout.write(ndjsonLine(segment))
 * ```
 *
 * @since 0.1.0
 * @category formats
 */
export const ndjsonLine = (segment: Segment): string => JSON.stringify(encodeSegment(segment)) + "\n"

/**
 * Progress after each page.
 *
 * @example
 * ```ts
 * import type { Progress } from "@effect-taxonomy/node/SegmentExport"
 *
 * const show = (p: Progress) => `${p.segments}/${p.totalCount ?? "?"} segments after ${p.pages} pages`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Progress {
  readonly pages: number
  readonly segments: number
  readonly totalCount: number | undefined
  readonly elapsedMillis: number
  readonly nextToken: string | undefined
}

/**
 * What an export did.
 *
 * @example
 * ```ts
 * import type { Summary } from "@effect-taxonomy/node/SegmentExport"
 *
 * const ok = (s: Summary) => s.matchesTotal !== false
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Summary extends Progress {
  readonly importId: string
  /** `true` when the server gave a total count and the export wrote exactly that many segments (from the start). */
  readonly matchesTotal: boolean | undefined
}

/**
 * Export options.
 *
 * @example
 * ```ts
 * import type { Options } from "@effect-taxonomy/node/SegmentExport"
 *
 * const options: Options = {
 *   importId: "9f87bd3e-32eb-4d15-8e85-17fb275fa809",
 *   output: process.stdout,
 *   format: "csv"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends StreamOptions {
  readonly importId: string
  readonly output: Writable
  readonly format?: Format | undefined
  /**
   * CSV only: write the header row (default `true`). Leave it out when the
   * rows continue a CSV that already has one: appending to a file, or a
   * resumed export whose output is appended to the first run's.
   */
  readonly header?: boolean | undefined
  /**
   * JSON only: the output already holds the start of an array, without its
   * closing `]`, ending with `[` (`hasElements: false`) or with the last
   * element (`hasElements: true`). The export writes no `[`, continues the
   * array (a `,` before its first element when there were elements) and
   * closes it.
   */
  readonly continueArray?: { readonly hasElements: boolean } | undefined
  /**
   * Called after each page is written (handed to the output), in one
   * uninterruptible step with the write: when the export is interrupted, the
   * last progress reported says what the output holds, and `nextToken` where
   * to resume. Keep it short.
   */
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
}

/** An `OutputError` for an error the output reported, with its system code (`EPIPE`) when it has one. */
const outputError = (error: Error, segmentsWritten: number): OutputError => {
  const code = (error as NodeJS.ErrnoException).code
  return new OutputError({
    description: error.message,
    ...(typeof code === "string" ? { code } : {}),
    segmentsWritten
  })
}

/**
 * The output as an export writes to it, watched for errors from its first
 * write to the callback of its last: a writable may report an error after
 * the wait for a write has ended (its buffer had room), and an `error` event
 * with no listener would crash the process.
 */
interface Sink {
  /**
   * Hands `chunk` (holding `segments` segments) to the output and runs
   * `written`, the bookkeeping of what was written, in one uninterruptible
   * step, so that an interruption comes before both or after both (a chunk
   * handed over is part of the output: a writable flushes what it holds
   * before it ends); then waits, interruptibly, until the output takes more.
   * Writes nothing (and fails) once the output has failed.
   */
  readonly write: (chunk: string, segments: number, written?: Effect.Effect<void>) => Effect.Effect<void, OutputError>
  /** Waits until the output has taken every chunk (every write's callback came). */
  readonly flush: Effect.Effect<void, OutputError>
  /** Stops watching once every write's callback came; after an error, never: its event may still follow. */
  readonly release: () => void
}

const makeSink = (output: Writable): Sink => {
  let failure: OutputError | undefined
  // writes whose callback has not come; segments in the writes the output took
  let pending = 0
  let flushed = 0
  let full = false
  let released = false
  let wake: (() => void) | undefined
  const onError = (error: Error) => {
    failure ??= outputError(error, flushed)
    wake?.()
  }
  const onDrain = () => {
    full = false
    wake?.()
  }
  const detach = () => {
    output.off("error", onError)
    output.off("drain", onDrain)
  }
  output.on("error", onError)
  output.on("drain", onDrain)
  const until = (ready: () => boolean) =>
    Effect.async<void, OutputError>((resume) => {
      const check = () => {
        if (failure === undefined && !ready()) return false
        wake = undefined
        resume(failure !== undefined ? Effect.fail(failure) : Effect.void)
        return true
      }
      if (check()) return
      wake = check
      return Effect.sync(() => {
        wake = undefined
      })
    })
  const handOver = (chunk: string, segments: number) => {
    pending++
    full = !output.write(chunk, (error) => {
      pending--
      if (error) return onError(error)
      flushed += segments
      if (released && pending === 0 && failure === undefined) detach()
      wake?.()
    })
  }
  return {
    write: (chunk, segments, written = Effect.void) =>
      Effect.uninterruptibleMask((restore) => {
        if (failure !== undefined) return Effect.fail(failure)
        if (chunk === "") return written
        handOver(chunk, segments)
        return Effect.zipRight(written, restore(until(() => !full)))
      }),
    flush: Effect.suspend(() => until(() => pending === 0)),
    release: () => {
      released = true
      if (pending === 0 && failure === undefined) detach()
    }
  }
}

const csvHeader = csvColumns.join(",") + "\r\n"

/** A page's text; `open` is whether the start (the CSV header, the JSON `[`) is still to be written. */
const render = (format: Format, page: SegmentPage, open: boolean, itemsBefore: number): string => {
  switch (format) {
    case "ndjson": {
      let out = ""
      for (const s of page.segments) out += ndjsonLine(s)
      return out
    }
    case "csv": {
      let out = open ? csvHeader : ""
      for (const s of page.segments) out += csvRow(s)
      return out
    }
    case "json": {
      let out = open ? "[" : ""
      let i = 0
      for (const s of page.segments) {
        out += (itemsBefore + i === 0 ? "\n" : ",\n") + JSON.stringify(encodeSegment(s))
        i++
      }
      return out
    }
  }
}

/**
 * Streams every segment of an import to `output` in the chosen format (NDJSON
 * by default), one write per page with backpressure, and returns a summary.
 *
 * A JSON export that fails (for any reason but the output itself) or is
 * interrupted still closes its array with `]` before it ends, so the output
 * is a valid JSON array of the segments written; resume it with `from` and
 * `continueArray`. An interruption never cuts a page: each is written whole
 * or not at all, and `onProgress` has reported every page written.
 *
 * @example
 * ```ts
 * import * as SegmentExport from "@effect-taxonomy/node/SegmentExport"
 * import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = SegmentExport.run({
 *   importId: "9f87bd3e-32eb-4d15-8e85-17fb275fa809",
 *   output: process.stdout
 * }).pipe(Effect.provide(NodeTaxonomyClient.layerConfig()))
 * ```
 *
 * @since 0.1.0
 * @category run
 */
export const run = (options: Options): Effect.Effect<Summary, TaxonomyError | OutputError, TaxonomyClient> =>
  Effect.acquireUseRelease(Effect.sync(() => makeSink(options.output)), (sink) =>
    Effect.gen(function*() {
      const client = yield* TaxonomyClient
      const format = options.format ?? "ndjson"
      const started = yield* Clock.currentTimeMillis
      let pages = 0
      let segments = 0
      let totalCount: number | undefined
      let nextToken: string | undefined
      // whether the start (CSV header, JSON `[`) is still to be written
      let open = format === "csv" ? options.header ?? true : format === "json" && options.continueArray === undefined
      // JSON: elements in the array so far, as far as the separator goes
      const elementsBefore = format === "json" && options.continueArray?.hasElements === true ? 1 : 0
      const closeArray = () => sink.write(open ? "[]\n" : elementsBefore + segments > 0 ? "\n]\n" : "]\n", 0)
      yield* client.pages(options.importId, options).pipe(
        Stream.runForEach((page) =>
          Effect.suspend(() => {
            const chunk = render(format, page, open, elementsBefore + segments)
            return sink.write(
              chunk,
              page.segments.length,
              Effect.suspend(() => {
                if (chunk !== "") open = false
                pages++
                segments += page.segments.length
                totalCount = Option.getOrUndefined(page.totalCount) ?? totalCount
                nextToken = Option.getOrUndefined(page.nextToken)
                if (options.onProgress === undefined) return Effect.void
                const progress = options.onProgress
                return Effect.flatMap(
                  Clock.currentTimeMillis,
                  (now) => progress({ pages, segments, totalCount, elapsedMillis: now - started, nextToken })
                )
              })
            )
          })
        ),
        // a JSON array begun (here or by an earlier run) is closed when the export fails or is interrupted,
        // so the output stays valid JSON; not after an OutputError: the output is broken
        Effect.onError((cause) =>
          format === "json" && !open && !Option.exists(Cause.failureOption(cause), (e) => e._tag === "OutputError")
            ? Effect.ignore(closeArray())
            : Effect.void
        )
      )
      if (format === "csv" && open) yield* sink.write(csvHeader, 0)
      if (format === "json") yield* closeArray()
      // the output took every chunk: an error it reports for the last ones is this export's
      yield* sink.flush
      const finished = yield* Clock.currentTimeMillis
      return {
        importId: options.importId,
        pages,
        segments,
        totalCount,
        nextToken,
        elapsedMillis: finished - started,
        matchesTotal: totalCount === undefined || options.from !== undefined ? undefined : totalCount === segments
      }
    }), (sink) => Effect.sync(sink.release)).pipe(
      Effect.withSpan("SegmentExport.run", { attributes: { "taxonomy.import_id": options.importId } })
    )
