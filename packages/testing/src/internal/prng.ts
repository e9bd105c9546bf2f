/**
 * A tiny, dependency-free, seeded pseudo-random generator (mulberry32) and a
 * 32-bit string hash (FNV-1a), shared by the seed data and the fault plans.
 *
 * @internal
 */

/** @internal */
export interface Prng {
  /** A float in `[0, 1)`. */
  readonly next: () => number
  /** An integer in `[min, max]` (both inclusive). */
  readonly int: (min: number, max: number) => number
  /** One element of a non-empty array. */
  readonly pick: <A>(items: ReadonlyArray<A>) => A
  /** `true` with probability `p`. */
  readonly chance: (p: number) => boolean
}

/** @internal */
export const hash32 = (input: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** @internal */
export const seedOf = (seed: number | string): number =>
  typeof seed === "number" && Number.isFinite(seed) ? (Math.trunc(seed) >>> 0) : hash32(String(seed))

/** @internal */
export const make = (seed: number | string): Prng => {
  let state = seedOf(seed)
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(next() * items.length)]!
  const chance = (p: number): boolean => next() < p
  return { next, int, pick, chance }
}

const hex = (n: number): string => n.toString(16).padStart(2, "0")

/**
 * A UUID v4 (version nibble 4, RFC 4122 variant) whose 122 random bits come
 * from a PRNG seeded by the given parts.
 *
 * @internal
 */
export const uuid = (parts: ReadonlyArray<string | number>): string => {
  const rng = make(hash32(parts.map(String).join("\u0000")))
  const bytes: Array<number> = []
  for (let i = 0; i < 16; i++) bytes.push(Math.floor(rng.next() * 256))
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const h = bytes.map(hex).join("")
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
