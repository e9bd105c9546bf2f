import { hash32 } from "./prng.js"

/**
 * Page tokens: base64 of 10 bytes, `FB FF` + 4-byte tag of the import id +
 * 4-byte big-endian offset. `FB FF` makes every token start with `+/`, and
 * 10 bytes (not a multiple of 3) force `==` padding, so every token carries
 * the three characters a careless URL encoder breaks.
 *
 * @internal
 */
const PREFIX_0 = 0xfb
const PREFIX_1 = 0xff
const LENGTH = 10

const base64Pattern = /^[A-Za-z0-9+/]{14}==$/

/** @internal */
export const importTag = (importId: string): number => hash32(`import-tag\u0000${importId.toLowerCase()}`)

const toBase64 = (bytes: ReadonlyArray<number>): string => btoa(String.fromCharCode(...bytes))

/** @internal */
export const encode = (importId: string, offset: number): string => {
  const tag = importTag(importId)
  return toBase64([
    PREFIX_0,
    PREFIX_1,
    (tag >>> 24) & 0xff,
    (tag >>> 16) & 0xff,
    (tag >>> 8) & 0xff,
    tag & 0xff,
    (offset >>> 24) & 0xff,
    (offset >>> 16) & 0xff,
    (offset >>> 8) & 0xff,
    offset & 0xff
  ])
}

/** @internal */
export interface Decoded {
  readonly tag: number
  readonly offset: number
}

/**
 * Strict decoding: exact alphabet and padding, exact length and prefix, and
 * canonical (re-encoding gives back the same text). `undefined` otherwise.
 *
 * @internal
 */
export const decode = (token: string): Decoded | undefined => {
  if (!base64Pattern.test(token)) return undefined
  let binary: string
  try {
    binary = atob(token)
  } catch {
    return undefined
  }
  if (binary.length !== LENGTH) return undefined
  const bytes: Array<number> = []
  for (let i = 0; i < binary.length; i++) bytes.push(binary.charCodeAt(i))
  if (bytes[0] !== PREFIX_0 || bytes[1] !== PREFIX_1) return undefined
  if (toBase64(bytes) !== token) return undefined
  const tag = ((bytes[2]! << 24) | (bytes[3]! << 16) | (bytes[4]! << 8) | bytes[5]!) >>> 0
  const offset = ((bytes[6]! << 24) | (bytes[7]! << 16) | (bytes[8]! << 8) | bytes[9]!) >>> 0
  return { tag, offset }
}
