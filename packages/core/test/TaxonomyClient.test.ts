import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import type * as TaxonomyError from "@effect-taxonomy/core/TaxonomyError"
import { encodeSegment } from "@effect-taxonomy/core/WireFormat"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { clientLayer, seedImport, transports } from "./harness.js"

const segmentsOf = (importId: string) =>
  Effect.flatMap(TaxonomyClient, (client) => Stream.runCollect(client.segments(importId))).pipe(
    Effect.map(Chunk.toReadonlyArray)
  )

const failureOf = <A, E>(effect: Effect.Effect<A, E, TaxonomyClient>) =>
  Effect.map(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) assert.fail("expected a failure")
    const failure = exit.cause._tag === "Fail"
      ? exit.cause.error
      : assert.fail(`expected a Fail cause, got ${exit.cause._tag}`)
    return failure as E
  })

for (const transport of transports) {
  describe(`TaxonomyClient over ${transport === "memory" ? "the in-memory fake" : "a real loopback server"}`, () => {
    it.live("streams N pages complete and in server order", () => {
      const seed = seedImport(503)
      const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 50 })
      return Effect.gen(function*() {
        const client = yield* TaxonomyClient
        const pages = Chunk.toReadonlyArray(yield* Stream.runCollect(client.pages(seed.importId)))
        assert.strictEqual(pages.length, 11)
        assert.deepStrictEqual(pages.map((p) => p.segments.length), [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 3])
        assert.deepStrictEqual(pages.map((p) => Option.getOrUndefined(p.totalCount)), Array(11).fill(503))
        assert.deepStrictEqual(
          pages.flatMap((p) => p.segments.map(encodeSegment)),
          seed.segments.map((s) => ({
            ...s,
            description: s.description ?? null,
            cpm: s.cpm ?? null,
            categories: s.categories ?? []
          }))
        )
        // each page names the token that fetched it, which is the previous page's next token
        assert.deepStrictEqual(pages[0]!.token, Option.none())
        for (let i = 1; i < pages.length; i++) assert.deepStrictEqual(pages[i]!.token, pages[i - 1]!.nextToken)
        assert.deepStrictEqual(pages[10]!.nextToken, Option.none())
        assert.strictEqual(api.requests.length, 11)
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })

    for (const lastPage of ["absent", "null", "empty"] as const) {
      it.live(`stops on a last page whose next token is ${lastPage}, with no extra request`, () => {
        const seed = seedImport(30)
        const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 10, lastPage })
        return Effect.gen(function*() {
          const segments = yield* segmentsOf(seed.importId)
          assert.strictEqual(segments.length, 30)
          assert.strictEqual(api.requests.length, 3)
          assert.deepStrictEqual(api.requests.map((r) => Option.getOrUndefined(r.page)), [1, 2, 3])
        }).pipe(Effect.provide(clientLayer(transport, api)))
      })
    }

    it.live("sends no pagination_token key at all on the first request", () => {
      const seed = seedImport(5)
      const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 10 })
      return Effect.gen(function*() {
        yield* segmentsOf(seed.importId)
        assert.strictEqual(api.requests.length, 1)
        assert.isFalse(api.requests[0]!.hasTokenParam)
        assert.strictEqual(api.requests[0]!.query, "")
        assert.strictEqual(api.requests[0]!.path, `/imports/${seed.importId}/segments`)
        assert.strictEqual(api.requests[0]!.headers["x-api-key"], "0f7d2c1e-5a4b-4c3d-9e8f-1a2b3c4d5e6f")
        assert.strictEqual(api.requests[0]!.headers["accept"], "application/json")
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })

    it.live("sends a token back byte for byte: ab+c/d== reaches the server unchanged", () => {
      const seed = seedImport(5)
      const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 10 })
      return Effect.gen(function*() {
        const client = yield* TaxonomyClient
        const error = yield* failureOf(client.page(seed.importId, { token: "ab+c/d==" }))
        const request = api.requests[0]!
        assert.deepStrictEqual(request.token, Option.some("ab+c/d=="))
        assert.strictEqual(request.query, "pagination_token=ab%2Bc%2Fd%3D%3D")
        // the fake does not know this token: 400 text/plain
        assert.strictEqual(error._tag, "InvalidParameters")
        assert.strictEqual(
          (error as TaxonomyError.InvalidParameters).causeText,
          "Invalid value for: query parameter pagination_token"
        )
        assert.strictEqual((error as TaxonomyError.InvalidParameters).pageToken, "ab+c/d==")
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })

    it.live("follows the server's own +, / and = tokens across pages", () => {
      const seed = seedImport(40)
      const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 4 })
      return Effect.gen(function*() {
        const segments = yield* segmentsOf(seed.importId)
        assert.strictEqual(segments.length, 40)
        const tokens = api.requests.flatMap((r) => Option.toArray(r.token))
        assert.strictEqual(tokens.length, 9)
        for (const token of tokens) {
          assert.isTrue(token.includes("+") && token.includes("/") && token.includes("="), token)
        }
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })

    it.live("ends with PaginationLoop when the server returns the token it was just sent, keeping what came before", () => {
      const seed = seedImport(50)
      const api = FakeTaxonomyApi.make({
        imports: [seed],
        pageSize: 10,
        faults: FaultPlan.scripted([{ page: 3, fault: FaultPlan.repeatToken }])
      })
      return Effect.gen(function*() {
        const client = yield* TaxonomyClient
        const seen: Array<string> = []
        const error = yield* failureOf(
          Stream.runForEach(client.segments(seed.importId), (s) => Effect.sync(() => seen.push(s.id)))
        )
        assert.strictEqual(error._tag, "PaginationLoop")
        const loop = error as TaxonomyError.PaginationLoop
        assert.strictEqual(loop.importId, seed.importId)
        assert.strictEqual(loop.repeatedToken, api.tokenFor(seed.importId, 3))
        assert.strictEqual(loop.segmentsEmitted, 30)
        // pages 1-3 were delivered, page 3 only once; no 4th request
        assert.deepStrictEqual(seen, seed.segments.slice(0, 30).map((s) => s.id))
        assert.strictEqual(api.requests.length, 3)
        assert.include(loop.message, seed.importId)
        assert.include(loop.message, loop.repeatedToken)
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })

    it.live("fails a bad import id with InvalidImportId before any request", () => {
      const api = FakeTaxonomyApi.make({ imports: [seedImport(5)] })
      return Effect.gen(function*() {
        const client = yield* TaxonomyClient
        for (
          const bad of [
            "not-a-uuid",
            "",
            "9f87bd3e-32eb-4d15-8e85-17fb275fa80",
            "../../admin",
            "9f87bd3e 32eb 4d15 8e85 17fb275fa809"
          ]
        ) {
          const fromStream = yield* failureOf(Stream.runCollect(client.segments(bad)))
          const fromPage = yield* failureOf(client.page(bad))
          assert.strictEqual(fromStream._tag, "InvalidImportId")
          assert.strictEqual(fromPage._tag, "InvalidImportId")
          assert.strictEqual((fromStream as TaxonomyError.InvalidImportId).importId, bad)
        }
        assert.strictEqual(api.requests.length, 0)
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })

    it.live("fails an empty start token with InvalidPageToken before any request", () => {
      const seed = seedImport(5)
      const api = FakeTaxonomyApi.make({ imports: [seed] })
      return Effect.gen(function*() {
        const client = yield* TaxonomyClient
        const error = yield* failureOf(Stream.runCollect(client.segments(seed.importId, { from: "" })))
        assert.strictEqual(error._tag, "InvalidPageToken")
        assert.strictEqual(api.requests.length, 0)
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })

    it.live("resumes from a token: exactly the segments after it", () => {
      const seed = seedImport(45)
      const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 10 })
      return Effect.gen(function*() {
        const client = yield* TaxonomyClient
        const ids = Chunk.toReadonlyArray(
          yield* Stream.runCollect(client.segments(seed.importId, { from: api.tokenFor(seed.importId, 3) }))
        ).map((s) => s.id)
        assert.deepStrictEqual(ids, seed.segments.slice(20).map((s) => s.id))
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })

    it.live("retries a single 503 inside the page step so the stream survives", () => {
      const seed = seedImport(30)
      const api = FakeTaxonomyApi.make({
        imports: [seed],
        pageSize: 10,
        faults: FaultPlan.scripted([{
          page: 2,
          times: 1,
          fault: FaultPlan.serverError({ status: 503, body: "empty" })
        }])
      })
      return Effect.gen(function*() {
        const segments = yield* segmentsOf(seed.importId)
        assert.deepStrictEqual(segments.map((s) => s.id), seed.segments.map((s) => s.id))
        assert.deepStrictEqual(api.requests.map((r) => [Option.getOrUndefined(r.page), r.status]), [
          [1, 200],
          [2, 503],
          [2, 200],
          [3, 200]
        ])
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })

    it.live("fails an unknown import with DoesNotExist carrying the request id", () => {
      const api = FakeTaxonomyApi.make({ imports: [] })
      return Effect.gen(function*() {
        const error = yield* failureOf(segmentsOf("32f8e031-c532-41bb-b25e-65bdb677a96f"))
        assert.strictEqual(error._tag, "DoesNotExist")
        const e = error as TaxonomyError.DoesNotExist
        assert.strictEqual(e.status, 404)
        assert.strictEqual(e.requestId, api.requests[0]!.requestId)
        assert.strictEqual(e.importId, "32f8e031-c532-41bb-b25e-65bdb677a96f")
        assert.strictEqual(e.causeText, "Import 32f8e031-c532-41bb-b25e-65bdb677a96f does not exist")
        assert.strictEqual(e.segmentsEmitted, 0)
        assert.strictEqual(api.requests.length, 1)
      }).pipe(Effect.provide(clientLayer(transport, api)))
    })

    it.live("decodes camelCase pages from the server the same way", () => {
      const seed = seedImport(25)
      const snake = FakeTaxonomyApi.make({ imports: [seed], pageSize: 10 })
      const camel = FakeTaxonomyApi.make({ imports: [seed], pageSize: 10, casing: "camel" })
      return Effect.gen(function*() {
        const a = yield* segmentsOf(seed.importId).pipe(Effect.provide(clientLayer(transport, snake)))
        const b = yield* segmentsOf(seed.importId).pipe(Effect.provide(clientLayer(transport, camel)))
        assert.strictEqual(a.length, 25)
        assert.deepStrictEqual(b, a)
      })
    })
  })
}
