/**
 * ISO-8601 timestamps with up to nanosecond digits and `Z` or `±hh:mm`.
 *
 * JavaScript dates keep milliseconds; the API sends microseconds. The parser
 * returns both: epoch milliseconds, and the microseconds past that millisecond
 * (0–999), so nothing the wire gave is lost.
 *
 * @internal
 */

const pattern = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/

/** @internal */
export interface ParsedTimestamp {
  readonly epochMillis: number
  readonly micros: number
}

const daysIn = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28)
    : (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31)

/** @internal */
export const parse = (input: string): ParsedTimestamp | undefined => {
  const m = pattern.exec(input)
  if (m === null) return undefined
  const year = +m[1]!
  const month = +m[2]!
  const day = +m[3]!
  const hour = +m[4]!
  const minute = +m[5]!
  const second = +m[6]!
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  const fraction = (m[7] ?? "").padEnd(6, "0")
  const millis = +fraction.slice(0, 3)
  const micros = +fraction.slice(3, 6)
  let offsetMinutes = 0
  if (m[9] !== undefined) {
    const offH = +m[10]!
    const offM = +m[11]!
    if (offH > 23 || offM > 59) return undefined
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (offH * 60 + offM)
  }
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, millis)
  const epochMillis = date.getTime() - offsetMinutes * 60_000
  return { epochMillis, micros }
}

const pad = (n: number, width: number) => String(n).padStart(width, "0")

/**
 * Renders epoch milliseconds plus sub-millisecond microseconds as
 * `YYYY-MM-DDTHH:mm:ss.ffffffZ`.
 *
 * @internal
 */
export const format = (epochMillis: number, micros: number): string => {
  const d = new Date(epochMillis)
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${
    pad(d.getUTCHours(), 2)
  }:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}${pad(micros, 3)}Z`
}
