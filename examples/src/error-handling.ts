/**
 * Handling errors by tag. `Effect.catchTags` below names every error the
 * client can fail with (the API's 23 variants and the client's own 8): the
 * compiler checks each tag, and the result's error channel is `never`.
 *
 *   PERMUTIVE_API_KEY=... pnpm tsx examples/src/error-handling.ts <importId>
 */
import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import type { TaxonomyError } from "@effect-taxonomy/core/TaxonomyError"
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** What to tell an operator, by tag: stop, fix configuration, or come back later. */
const stop = (e: TaxonomyError) => Effect.succeed(`stop: ${e._tag}: ${e.message}`)
const fixConfig = (e: TaxonomyError) => Effect.succeed(`fix configuration: ${e._tag}: ${e.message}`)
const later = (e: TaxonomyError) => Effect.succeed(`try later from ${e.pageToken ?? "the start"}: ${e._tag}`)

export const countOrAdvice = (importId: string): Effect.Effect<string, never, TaxonomyClient> =>
  Effect.flatMap(TaxonomyClient, (client) => Stream.runCount(client.segments(importId))).pipe(
    Effect.map((count) => `ok: ${count} segments`),
    Effect.catchTags({
      // the API's 23 variants
      AlreadyExists: stop,
      AuthorizationFailed: fixConfig,
      AuthorizationFailedForAPIKey: fixConfig,
      AuthorizationFailedForUser: fixConfig,
      AuthorizationMissing: fixConfig,
      BadEncoding: stop,
      BadOrigin: fixConfig,
      DoesNotExist: (e) => Effect.succeed(`no such import ${e.importId} (request id ${e.requestId ?? "none"})`),
      InsufficientAPIKey: fixConfig,
      InvalidAPIKey: fixConfig,
      InvalidHeader: stop,
      InvalidParameters: stop,
      InvalidRequestBody: stop,
      MissingHeader: stop,
      MissingOrigin: stop,
      MissingParameters: stop,
      MissingRequestBody: stop,
      RouteDeprecated: stop,
      SchemeNotSupported: fixConfig,
      UnknownError: later,
      UnspecifiedInternalError: later,
      ValidationError: stop,
      VerbNotImplemented: stop,
      // the client's own
      RateLimited: (e) => Effect.succeed(`rate limited; the API asked for ${e.retryAfterMillis ?? "?"} ms`),
      TransportError: later,
      RequestTimeout: later,
      DeadlineExceeded: later,
      MalformedResponse: stop,
      PaginationLoop: stop,
      InvalidImportId: (e) => Effect.succeed(`not an import id: ${e.importId}`),
      InvalidPageToken: stop,
      InvalidOptions: fixConfig
    })
  )

const importId = process.argv[2] ?? ""
Effect.runPromise(countOrAdvice(importId).pipe(Effect.provide(NodeTaxonomyClient.layerConfig()))).then(
  (line) => console.log(line),
  (error: unknown) => {
    console.error(String(error))
    process.exitCode = 1
  }
)
