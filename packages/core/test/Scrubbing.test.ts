import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { apiKey, clientLayer, seedImport } from "./harness.js"

const names = (importId: string) =>
  Effect.flatMap(TaxonomyClient, (c) => Stream.runCollect(c.segments(importId))).pipe(
    Effect.map((chunk) => Chunk.toReadonlyArray(chunk).map((s) => s.name))
  )

describe("scrubbing the key out of errors never touches data", () => {
  it.live("a segment whose name contains the key text arrives unchanged", () => {
    const seed = seedImport(30)
    const segments = seed.segments.map((s, i) => i === 12 ? { ...s, name: `Weird ${apiKey} name` } : s)
    const api = FakeTaxonomyApi.make({ imports: [{ importId: seed.importId, segments }], pageSize: 10 })
    return Effect.gen(function*() {
      const got = yield* names(seed.importId)
      assert.deepStrictEqual(got, segments.map((s) => s.name))
      assert.strictEqual(got[12], `Weird ${apiKey} name`)
    }).pipe(Effect.provide(clientLayer("loopback", api)))
  })

  it.live("a one-letter key does not mangle the JSON it appears in (next_token has a k)", () => {
    const seed = seedImport(30)
    const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 10 })
    return Effect.gen(function*() {
      assert.strictEqual((yield* names(seed.importId)).length, 30)
      assert.strictEqual(api.requests.length, 3)
    }).pipe(Effect.provide(clientLayer("loopback", api, { apiKey: Redacted.make("k") })))
  })
})
