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

const number = (n: number) => n.toLocaleString("en-US")
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`
const rate = (p: Progress) =>
  p.elapsedMillis > 0 ? `${number(Math.round(p.segments / (p.elapsedMillis / 1000)))}/s` : "—/s"

/** @internal */
export const describe = (p: Progress): string => {
  const total = p.totalCount === undefined
    ? `${number(p.segments)} segments`
    : `${number(p.segments)}/${number(p.totalCount)} segments (${
      p.totalCount === 0 ? 100 : Math.floor((p.segments / p.totalCount) * 100)
    }%)`
  return `${total}, ${p.pages} pages, ${rate(p)}, ${seconds(p.elapsedMillis)}`
}

const WIDTH = 24

/** @internal */
export const bar = (p: Progress): string => {
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
}): Reporter => {
  switch (options.mode) {
    case "quiet":
      return { update: () => {}, finish: () => {} }
    case "bar": {
      let drawn = false
      return {
        update: (p) => {
          drawn = true
          options.write(`\r\x1b[2K${bar(p)}`)
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
          options.write(`progress: ${describe(p)}\n`)
        },
        finish: () => {}
      }
    }
  }
}
