/**
 * The client a user would write by hand in ten minutes: `HttpClient` with
 * `filterStatusOk`, `HttpClientResponse.schemaBodyJson` with a plain
 * `Schema.Struct` of the snake_case page, and `Stream.paginateChunkEffect`
 * over the next token, on the undici transport. No retries, no prefetch, one
 * spelling only. It is the benchmark's "naive Effect" variant.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"

/**
 * A segment in the snake_case wire form.
 *
 * @since 0.1.0
 */
export const Segment = Schema.Struct({
  id: Schema.UUID,
  code: Schema.String,
  name: Schema.String,
  import_id: Schema.UUID,
  description: Schema.optional(Schema.NullOr(Schema.String)),
  cpm: Schema.optional(Schema.NullOr(Schema.Finite)),
  categories: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
  updated_at: Schema.DateTimeUtc
})

/**
 * One page.
 *
 * @since 0.1.0
 */
export const Page = Schema.Struct({
  elements: Schema.Array(Segment),
  pagination: Schema.Struct({
    next_token: Schema.optional(Schema.NullOr(Schema.String)),
    total_count: Schema.optional(Schema.Number)
  })
})

/**
 * Every segment of an import, page after page.
 *
 * @example
 * ```ts
 * import * as NaiveClient from "@effect-taxonomy/bench/NaiveClient"
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const count = Stream.runCount(NaiveClient.segments({ baseUrl: "http://127.0.0.1:8080", apiKey: "k", importId: "..." })).pipe(
 *   Effect.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 *
 * @since 0.1.0
 */
export const segments = (options: { readonly baseUrl: string; readonly apiKey: string; readonly importId: string }) =>
  Stream.unwrap(Effect.gen(function*() {
    const client = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequest((request) =>
        request.pipe(
          HttpClientRequest.prependUrl(options.baseUrl),
          HttpClientRequest.setHeader("x-api-key", options.apiKey),
          HttpClientRequest.acceptJson
        )
      ),
      HttpClient.filterStatusOk
    )
    const decode = HttpClientResponse.schemaBodyJson(Page)
    return Stream.paginateChunkEffect(
      undefined as string | undefined,
      (token) =>
        client.get(`/imports/${options.importId}/segments`, {
          urlParams: token === undefined ? {} : { pagination_token: token }
        }).pipe(
          Effect.flatMap(decode),
          Effect.map((page) =>
            [
              Chunk.unsafeFromArray(page.elements),
              Option.fromNullable(page.pagination.next_token || undefined)
            ] as const
          )
        )
    )
  }))
