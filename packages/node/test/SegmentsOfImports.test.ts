/**
 * `segmentsOfImports` over a real HTTP server on loopback, through the node
 * adapter (undici): every segment of every import exactly once, bounded
 * concurrency, and a rate limit on one import pausing all of them.
 */
import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"

const key = "6a1c2c55-0a36-4c8a-9d0f-0c63d1b0f7a1"
const imports = SeedData.generateImports({ seed: 11, count: 6, segments: [0, 95] })
const pageSize = 10

/** A client over undici against `url` (alive as long as the scope), counting the requests in flight at once. */
const clientFor = (url: string, inFlight: { now: number; max: number }) =>
  Effect.map(
    Layer.build(NodeTaxonomyClient.layer({
      apiKey: Redacted.make(key),
      baseUrl: url,
      transformClient: HttpClient.transformResponse((response) =>
        Effect.acquireUseRelease(
          Effect.sync(() => {
            inFlight.now++
            inFlight.max = Math.max(inFlight.max, inFlight.now)
          }),
          () => response,
          () => Effect.sync(() => inFlight.now--)
        )
      )
    })),
    Context.get(TaxonomyClient)
  )

describe("segmentsOfImports over loopback", () => {
  it.live("streams every segment of every import once, tagged with its import, in server order within each", () =>
    Effect.scoped(Effect.gen(function*() {
      const api = FakeTaxonomyApi.make({ imports, pageSize, apiKey: key })
      const server = yield* FakeServer.make(api, { latency: 15 })
      const inFlight = { now: 0, max: 0 }
      const client = yield* clientFor(server.url, inFlight)
      const ids = imports.map((i) => i.importId)
      const got = Chunk.toReadonlyArray(
        yield* Stream.runCollect(client.segmentsOfImports(ids, { concurrency: 3, prefetch: 0 }))
      )

      // every segment exactly once, each under the import it belongs to
      const expectedTotal = imports.reduce((n, i) => n + i.segments.length, 0)
      assert.isAbove(expectedTotal, 100)
      assert.strictEqual(got.length, expectedTotal)
      assert.strictEqual(new Set(got.map((s) => s.segment.id)).size, expectedTotal)
      for (const seed of imports) {
        const mine = got.filter((s) => s.importId === seed.importId).map((s) => s.segment.id)
        assert.deepStrictEqual(mine, seed.segments.map((s) => s.id))
        assert.isTrue(
          got.filter((s) => s.importId === seed.importId).every((s) => s.segment.importId === seed.importId)
        )
      }
      // one request per page (an empty import still takes one), never more than 3 at once
      const pagesOf = (n: number) => Math.max(1, Math.ceil(n / pageSize))
      assert.strictEqual(api.requests.length, imports.reduce((n, i) => n + pagesOf(i.segments.length), 0))
      assert.strictEqual(inFlight.max, 3)
      // the imports did interleave
      const firstOf = (id: string) => got.findIndex((s) => s.importId === id)
      const lastOf = (id: string) => got.map((s) => s.importId).lastIndexOf(id as typeof got[number]["importId"])
      const withSegments = imports.filter((i) => i.segments.length > pageSize)
      assert.isTrue(
        withSegments.some((a) =>
          withSegments.some((b) =>
            a !== b && firstOf(b.importId) < lastOf(a.importId) && firstOf(b.importId) > firstOf(a.importId)
          )
        )
      )
    })))

  /** The imports on a loopback server where the second import's page 2 is rate limited once (Retry-After: 1 s). */
  const rateLimitedOnce = Effect.gen(function*() {
    const limited = imports[1]!
    const api = FakeTaxonomyApi.make({
      imports,
      pageSize,
      apiKey: key,
      faults: FaultPlan.scripted([
        { importId: limited.importId, page: 2, times: 1, fault: FaultPlan.rateLimit(FaultPlan.retryAfterSeconds(1)) }
      ])
    })
    const server = yield* FakeServer.make(api, { latency: 10 })
    const client = yield* clientFor(server.url, { now: 0, max: 0 })
    return { client, limited, server }
  })

  it.live("a 429 on one import pauses every import for the Retry-After, then all finish", () =>
    Effect.scoped(Effect.gen(function*() {
      const { client, limited, server } = yield* rateLimitedOnce
      const got = yield* Stream.runCollect(
        client.segmentsOfImports(imports.map((i) => i.importId), { concurrency: 4, prefetch: 0 })
      )
      assert.strictEqual(got.length, imports.reduce((n, i) => n + i.segments.length, 0))

      const exchanges = server.exchanges
      const limit = exchanges.find((e) => e.status === 429)!
      assert.isDefined(limit)
      assert.strictEqual(exchanges.filter((e) => e.status === 429).length, 1)
      // requests already on their way when the 429 went out may land just after it;
      // after that, nothing reaches the server until the second is over
      const paused = exchanges.filter((e) =>
        e.receivedAt > limit.receivedAt + 100 && e.receivedAt < limit.receivedAt + 990
      )
      assert.deepStrictEqual(paused.map((e) => e.url), [])
      const after = exchanges.filter((e) => e.receivedAt >= limit.receivedAt + 990)
      // the retry of the limited page, and the other imports' remaining pages
      assert.isTrue(after.some((e) => e.url === limit.url))
      assert.isTrue(after.some((e) => !e.url.includes(limited.importId)))
    })))

  it.live("separate streams merged by hand do not share the pause: the control for the test above", () =>
    Effect.scoped(Effect.gen(function*() {
      const { client, server } = yield* rateLimitedOnce
      yield* Stream.runDrain(
        Stream.mergeAll(imports.map((i) => client.segments(i.importId, { prefetch: 0 })), { concurrency: 4 })
      )
      const limit = server.exchanges.find((e) => e.status === 429)!
      const during = server.exchanges.filter((e) =>
        e.receivedAt > limit.receivedAt + 100 && e.receivedAt < limit.receivedAt + 990
      )
      assert.isAbove(during.length, 0)
    })))

  it.live("the first error ends the stream, naming its import, the token to resume from and what was emitted", () =>
    Effect.scoped(Effect.gen(function*() {
      const broken = imports[2]!
      assert.isAbove(broken.segments.length, 2 * pageSize)
      const api = FakeTaxonomyApi.make({
        imports,
        pageSize,
        apiKey: key,
        faults: FaultPlan.scripted([{
          importId: broken.importId,
          page: 3,
          fault: FaultPlan.apiError("UnspecifiedInternalError")
        }])
      })
      const server = yield* FakeServer.make(api)
      const client = yield* clientFor(server.url, { now: 0, max: 0 })
      const seen: Array<string> = []
      const result = yield* Stream.runForEach(
        client.segmentsOfImports(imports.map((i) => i.importId), {
          concurrency: 2,
          retry: { maxAttempts: 2, baseDelay: "1 millis" }
        }),
        (s) => Effect.sync(() => seen.push(`${s.importId}/${s.segment.id}`))
      ).pipe(Effect.either)
      assert.isTrue(Either.isLeft(result))
      const error = Either.getLeft(result).pipe((o) => o._tag === "Some" ? o.value : undefined)!
      assert.strictEqual(error._tag, "UnspecifiedInternalError")
      assert.strictEqual(error.importId, broken.importId)
      assert.strictEqual(error.pageToken, api.tokenFor(broken.importId, 3))
      assert.strictEqual((error as { segmentsEmitted?: number }).segmentsEmitted, 2 * pageSize)
      // what was emitted for that import is exactly its first two pages
      assert.deepStrictEqual(
        seen.filter((s) => s.startsWith(broken.importId)),
        broken.segments.slice(0, 2 * pageSize).map((s) => `${broken.importId}/${s.id}`)
      )
    })))

  it.live("resumes each import from its own token, streams a repeated id once, and checks every id before any request", () =>
    Effect.scoped(Effect.gen(function*() {
      const api = FakeTaxonomyApi.make({ imports, pageSize, apiKey: key })
      const server = yield* FakeServer.make(api)
      const client = yield* clientFor(server.url, { now: 0, max: 0 })
      const [a, b] = [imports[2]!, imports[3]!]

      const invalid = yield* Stream.runCollect(client.segmentsOfImports([a.importId, "not-an-id"])).pipe(Effect.flip)
      assert.strictEqual(invalid._tag, "InvalidImportId")
      assert.strictEqual(invalid.importId, "not-an-id")
      assert.strictEqual(api.requests.length, 0)

      const got = Chunk.toReadonlyArray(
        yield* Stream.runCollect(
          client.segmentsOfImports([a.importId, b.importId, a.importId], {
            from: { [a.importId]: api.tokenFor(a.importId, 2) }
          })
        )
      )
      assert.deepStrictEqual(
        got.filter((s) => s.importId === a.importId).map((s) => s.segment.id),
        a.segments.slice(pageSize).map((s) => s.id)
      )
      assert.deepStrictEqual(
        got.filter((s) => s.importId === b.importId).map((s) => s.segment.id),
        b.segments.map((s) => s.id)
      )
    })))
})
