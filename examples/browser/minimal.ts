/**
 * The smallest useful browser program: stream every segment of one import
 * from this site's backend and count them. Built on its own by `size.ts` to
 * measure what the client costs a page.
 */
import * as BrowserTaxonomyClient from "@effect-taxonomy/browser/BrowserTaxonomyClient"
import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

const importId = new URLSearchParams(location.search).get("import") ?? ""

const program = Effect.gen(function*() {
  const client = yield* TaxonomyClient
  return yield* Stream.runCount(client.segments(importId))
}).pipe(Effect.provide(BrowserTaxonomyClient.layer()))

Effect.runPromise(Effect.either(program)).then((result) => {
  document.body.textContent = result._tag === "Right"
    ? `${result.right} segments`
    : `${result.left._tag}: ${result.left.message}`
})
