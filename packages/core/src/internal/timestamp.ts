/**
 * ISO-8601 timestamps with up to nanosecond digits and `Z` or `±hh:mm`.
 *
 * JavaScript dates keep milliseconds; the API sends microseconds. The parser
 * returns both: epoch milliseconds, and the microseconds past that millisecond
 * (0–999), so nothing the wire gave is lost.
 *
 * @internal
 */

/** @internal */
export interface ParsedTimestamp {
  readonly epochMillis: number
  readonly micros: number
}

const daysIn = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28)
    : (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31)

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (as `Date` counts them). */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants with a four-digit UTC year. */
const minEpochMillis = -62_167_219_200_000
const maxEpochMillis = 253_402_300_799_999

/** The digit at `i`, or -1. */
const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48
  return c >= 0 && c <= 9 ? c : -1
}

/** Two digits at `i`, or -1. */
const two = (s: string, i: number): number => {
  const a = digit(s, i)
  const b = digit(s, i + 1)
  return a < 0 || b < 0 ? -1 : a * 10 + b
}

/**
 * Reads `YYYY-MM-DDTHH:mm:ss[.f{1,9}](Z|±hh[:]mm)` (`T` and `Z` in either
 * case), the grammar of
 * `/^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/`,
 * by hand: this runs once per segment.
 *
 * @internal
 */
export const parse = (input: string): ParsedTimestamp | undefined => {
  const n = input.length
  if (n < 20) return undefined
  const y1 = two(input, 0)
  const y2 = two(input, 2)
  const month = two(input, 5)
  const day = two(input, 8)
  const hour = two(input, 11)
  const minute = two(input, 14)
  const second = two(input, 17)
  if (
    y1 < 0 || y2 < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 ||
    input.charCodeAt(4) !== 45 || input.charCodeAt(7) !== 45 || (input.charCodeAt(10) | 32) !== 116 ||
    input.charCodeAt(13) !== 58 || input.charCodeAt(16) !== 58
  ) {
    return undefined
  }
  const year = y1 * 100 + y2
  let i = 19
  // the fraction: 1 to 9 digits; milliseconds and microseconds are its first 6, zero-padded
  let millis = 0
  let micros = 0
  if (input.charCodeAt(i) === 46) {
    const start = ++i
    while (i < n && digit(input, i) >= 0) {
      const k = i - start
      if (k < 3) millis = millis * 10 + digit(input, i)
      else if (k < 6) micros = micros * 10 + digit(input, i)
      i++
    }
    const digits = i - start
    if (digits < 1 || digits > 9) return undefined
    for (let k = digits; k < 3; k++) millis *= 10
    for (let k = Math.max(digits, 3); k < 6; k++) micros *= 10
  }
  let offsetMinutes = 0
  const zone = input.charCodeAt(i)
  if ((zone | 32) === 122) {
    if (i + 1 !== n) return undefined
  } else if (zone === 43 || zone === 45) {
    const offH = two(input, i + 1)
    const colon = input.charCodeAt(i + 3) === 58 ? 1 : 0
    const offM = two(input, i + 3 + colon)
    if (offH < 0 || offM < 0 || i + 5 + colon !== n) return undefined
    if (offH > 23 || offM > 59) return undefined
    offsetMinutes = (zone === 45 ? -1 : 1) * (offH * 60 + offM)
  } else {
    return undefined
  }
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  const epochMillis = daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 +
    second * 1000 + millis - offsetMinutes * 60_000
  // the instant must have a four-digit UTC year, or it could not be written back (`0000-01-01T00:30+01:00`)
  if (epochMillis < minEpochMillis || epochMillis > maxEpochMillis) return undefined
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
