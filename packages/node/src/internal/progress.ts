/**
 * Progress on stderr: a redrawn bar on a terminal, plain periodic lines
 * otherwise, nothing when quiet.
 *
 * @internal
 */
import type { Progress } from "../SegmentExport.js"

/** @internal */
export interface Reporter {
  readonly update: (progress: Progress) => void
  readonly finish: () => void
}

/** @internal */
export const number = (n: number) => n.toLocaleString("en-US")
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`
const rate = (p: Progress) =>
  p.elapsedMillis > 0 ? `${number(Math.round(p.segments / (p.elapsedMillis / 1000)))}/s` : "—/s"

/** Pages, rate and time: `5 pages, 1,234/s, 0.2s`. @internal */
export const timing = (p: Progress): string => `${p.pages} pages, ${rate(p)}, ${seconds(p.elapsedMillis)}`

/**
 * Segments (out of the server's total, when known) and timing. A resumed run
 * (`--from`) counts only its own segments, so it shows no total or
 * percentage: `50 segments since the resume token, ...`.
 *
 * @internal
 */
export const describe = (p: Progress, resumed = false): string => {
  const total = resumed
    ? `${number(p.segments)} segments since the resume token`
    : p.totalCount === undefined
    ? `${number(p.segments)} segments`
    : `${number(p.segments)}/${number(p.totalCount)} segments (${
      p.totalCount === 0 ? 100 : Math.floor((p.segments / p.totalCount) * 100)
    }%)`
  return `${total}, ${timing(p)}`
}

const WIDTH = 24

/** A bar of the fraction of the total; a resumed run has no fraction to show, so no bar. @internal */
export const bar = (p: Progress, resumed = false): string => {
  if (resumed) return describe(p, true)
  const fraction = p.totalCount === undefined || p.totalCount === 0 ? 0 : Math.min(1, p.segments / p.totalCount)
  const filled = Math.round(fraction * WIDTH)
  return `[${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${describe(p)}`
}

/** @internal */
export const make = (options: {
  readonly mode: "bar" | "lines" | "quiet"
  readonly write: (text: string) => void
  /** Minimum time between two plain lines. */
  readonly intervalMillis?: number
  /** A resumed run (`--from`): its counts are not out of the server's total. */
  readonly resumed?: boolean
}): Reporter => {
  const resumed = options.resumed ?? false
  switch (options.mode) {
    case "quiet":
      return { update: () => {}, finish: () => {} }
    case "bar": {
      let drawn = false
      return {
        update: (p) => {
          drawn = true
          options.write(`\r\x1b[2K${bar(p, resumed)}`)
        },
        finish: () => {
          if (drawn) options.write("\r\x1b[2K")
        }
      }
    }
    case "lines": {
      const interval = options.intervalMillis ?? 1000
      let last = -Infinity
      return {
        update: (p) => {
          if (p.elapsedMillis - last < interval) return
          last = p.elapsedMillis
          options.write(`progress: ${describe(p, resumed)}\n`)
        },
        finish: () => {}
      }
    }
  }
}
