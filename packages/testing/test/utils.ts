import type * as FakeTaxonomyApi from "../src/FakeTaxonomyApi.js"
import type { WireSegment } from "../src/SeedData.js"

export const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

export const segmentsUrl = (importId: string, token?: string, basePath = ""): string =>
  token === undefined
    ? `${basePath}/imports/${importId}/segments`
    : `${basePath}/imports/${importId}/segments?${new URLSearchParams({ pagination_token: token }).toString()}`

export const get = (
  api: FakeTaxonomyApi.FakeTaxonomyApi,
  url: string,
  headers: Record<string, string> = {},
  now = 0
): FakeTaxonomyApi.FakeReply => api.handle({ method: "GET", url, headers }, now)

export interface SnakePage {
  readonly elements: ReadonlyArray<WireSegment>
  readonly pagination: { readonly next_token?: string | null; readonly total_count: number }
}

/** A page is served only by a `200` JSON reply sent in full. */
export const isPage = (reply: FakeTaxonomyApi.FakeReply): boolean =>
  reply.status === 200 && (reply.action._tag === "Send" || reply.action._tag === "Delay")

/**
 * Walks every page with the pure handler, retrying a failed page up to
 * `maxRetries` times with the same token, as a well-behaved client does.
 */
export const walk = (
  api: FakeTaxonomyApi.FakeTaxonomyApi,
  importId: string,
  options: { readonly maxRetries?: number; readonly maxPages?: number } = {}
) => {
  const segments: Array<WireSegment> = []
  const tokens: Array<string> = []
  const statuses: Array<number> = []
  let token: string | undefined
  for (let page = 0; page < (options.maxPages ?? 1_000); page++) {
    let reply = get(api, segmentsUrl(importId, token))
    statuses.push(reply.status)
    let retries = 0
    while (!isPage(reply)) {
      if (retries++ >= (options.maxRetries ?? 0)) {
        throw new Error(`page ${page + 1} failed: ${reply.status} ${reply.action._tag}`)
      }
      reply = get(api, segmentsUrl(importId, token))
      statuses.push(reply.status)
    }
    const body = JSON.parse(reply.body) as SnakePage
    for (const element of body.elements) segments.push(element)
    const next = body.pagination.next_token
    if (next === undefined || next === null || next === "") return { segments, tokens, statuses }
    tokens.push(next)
    token = next
  }
  throw new Error("too many pages")
}
