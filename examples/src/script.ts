/**
 * Use 2: in a script. `Stream.runCollect` with a ready layer from the node
 * package, the key from PERMUTIVE_API_KEY.
 *
 *   PERMUTIVE_API_KEY=... pnpm tsx examples/src/script.ts <importId>
 */
import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

const importId = process.argv[2] ?? "9f87bd3e-32eb-4d15-8e85-17fb275fa809"

const segments = await Effect.runPromise(
  Effect.flatMap(TaxonomyClient, (client) => Stream.runCollect(client.segments(importId))).pipe(
    Effect.provide(NodeTaxonomyClient.layerConfig())
  )
)

console.log(`${Chunk.size(segments)} segments`)
for (const segment of Chunk.take(segments, 3)) console.log(`${segment.code}\t${segment.name}`)
