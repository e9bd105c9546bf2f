/**
 * Use 1: inside an Effect program. The client is a service in the context;
 * `segments` is a Stream that composes with the rest of your program.
 *
 * This program counts an import's segments per top-level category.
 *
 *   PERMUTIVE_API_KEY=... pnpm tsx examples/src/program.ts <importId>
 */
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { categoryCounts } from "./categories.js"

const program = Effect.gen(function*() {
  const importId = process.argv[2]
  if (importId === undefined) return yield* Effect.dieMessage("usage: program.ts <importId>")
  const counts = yield* categoryCounts(importId)
  for (const [category, count] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    yield* Console.log(`${category}\t${count}`)
  }
}).pipe(
  // a typed error you can catch by tag; the message says what to do
  Effect.catchTag("DoesNotExist", (error) => Console.error(error.message)),
  Effect.provide(NodeTaxonomyClient.layerConfig())
)

Effect.runPromise(program).catch((error: unknown) => {
  console.error(String(error))
  process.exitCode = 1
})
