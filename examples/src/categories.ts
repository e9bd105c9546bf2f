/**
 * Your own code, written against the `TaxonomyClient` service: it never
 * names a transport, so tests can swap the layer (see
 * `test/layer-swap.test.ts`).
 */
import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** Counts an import's segments per top-level category (`"Sports > Football"` counts under `"Sports"`). */
export const categoryCounts = (importId: string) =>
  Effect.gen(function*() {
    const client = yield* TaxonomyClient
    return yield* client.segments(importId).pipe(
      Stream.runFold(new Map<string, number>(), (counts, segment) => {
        const top = segment.name.split(" > ")[0]!
        counts.set(top, (counts.get(top) ?? 0) + 1)
        return counts
      })
    )
  })
