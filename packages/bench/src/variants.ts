/**
 * The three ways of reading every segment of an import that the throughput
 * benchmark puts side by side. Each touches every segment the same way (a
 * count and the total length of the names), so the consumer costs the same.
 *
 * @since 0.1.0
 */
import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as NaiveClient from "./NaiveClient.js"

/**
 * Where to read from.
 *
 * @since 0.1.0
 */
export interface Target {
  readonly url: string
  readonly apiKey: string
  readonly importId: string
}

/**
 * What a run saw: how many segments, and a checksum over them.
 *
 * @since 0.1.0
 */
export interface Tally {
  count: number
  chars: number
}

const touch = (tally: Tally, segment: { readonly name: string }): Tally => {
  tally.count++
  tally.chars += segment.name.length
  return tally
}

/**
 * The variants, by name.
 *
 * @since 0.1.0
 */
export type Variant = "floor" | "naive" | "library" | "library-prefetch-0" | "library-prefetch-2"

/**
 * The floor: `fetch` and `JSON.parse` in a loop, no validation at all.
 *
 * @since 0.1.0
 */
export const floor = async (target: Target): Promise<Tally> => {
  const tally: Tally = { count: 0, chars: 0 }
  let token: string | undefined
  do {
    const response = await fetch(pageUrl(target, token), { headers: headersFor(target) })
    if (response.status !== 200) throw new Error(`status ${response.status}`)
    token = tallyPage(tally, await response.text())
  } while (token !== undefined)
  return tally
}

/** The URL of the page `token` fetches (the first page without one). */
const pageUrl = (target: Target, token: string | undefined): string => {
  const base = `${target.url}/imports/${target.importId}/segments`
  return token === undefined ? base : `${base}?pagination_token=${encodeURIComponent(token)}`
}

const headersFor = (target: Target) => ({ "x-api-key": target.apiKey, accept: "application/json" })

/** Parses a page body (no validation), touches its segments, and returns the next token. */
const tallyPage = (tally: Tally, body: string): string | undefined => {
  const page = JSON.parse(body) as { elements?: Array<{ name: string }>; pagination: { next_token?: string | null } }
  for (const segment of page.elements ?? []) touch(tally, segment)
  return page.pagination.next_token || undefined
}

/**
 * The floor written in Effect: `HttpClient` (undici) and `JSON.parse` in an
 * `Effect.gen` loop, no validation and no `Stream`. What any Effect program
 * pays for the runtime and the transport alone (the memory section's second
 * baseline).
 *
 * @since 0.1.0
 */
export const effectLoop = (target: Target): Promise<Tally> =>
  Effect.runPromise(
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const tally: Tally = { count: 0, chars: 0 }
      let token: string | undefined
      do {
        const response = yield* client.get(pageUrl(target, token), { headers: headersFor(target) })
        if (response.status !== 200) return yield* Effect.dieMessage(`status ${response.status}`)
        token = tallyPage(tally, yield* response.text)
      } while (token !== undefined)
      return tally
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

/**
 * The naive Effect client (see `NaiveClient`), on undici.
 *
 * @since 0.1.0
 */
export const naive = (target: Target): Promise<Tally> =>
  Effect.runPromise(
    Stream.runFold(
      NaiveClient.segments({ baseUrl: target.url, apiKey: target.apiKey, importId: target.importId }),
      { count: 0, chars: 0 } as Tally,
      touch
    ).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

/**
 * This library: `NodeTaxonomyClient` (undici), full validation, default
 * settings (or the given prefetch).
 *
 * @since 0.1.0
 */
export const library = (target: Target, prefetch?: number): Promise<Tally> =>
  Effect.runPromise(
    Effect.flatMap(TaxonomyClient, (client) =>
      Stream.runFold(
        client.segments(target.importId, prefetch === undefined ? undefined : { prefetch }),
        { count: 0, chars: 0 } as Tally,
        touch
      )).pipe(
        Effect.provide(NodeTaxonomyClient.layer({ baseUrl: target.url, apiKey: Redacted.make(target.apiKey) }))
      )
  )

/**
 * Run a variant by name.
 *
 * @since 0.1.0
 */
export const run = (variant: Variant, target: Target): Promise<Tally> => {
  switch (variant) {
    case "floor":
      return floor(target)
    case "naive":
      return naive(target)
    case "library":
      return library(target)
    case "library-prefetch-0":
      return library(target, 0)
    case "library-prefetch-2":
      return library(target, 2)
  }
}
