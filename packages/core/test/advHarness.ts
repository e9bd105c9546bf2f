import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
import type * as TaxonomyError from "@effect-taxonomy/core/TaxonomyError"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { inspect } from "node:util"

export const IMPORT = "9f87bd3e-32eb-4d15-8e85-17fb275fa809"
export const KEY = "0f7d2c1e-5a4b-4c3d-9e8f-1a2b3c4d5e6f"

export interface Req {
  readonly url: URL
  readonly token: string | null
  readonly headers: Record<string, string>
}
export type Reply =
  | {
    readonly status?: number
    readonly headers?: Record<string, string>
    readonly body?: string | null
    readonly delayMillis?: number
  }
  | { readonly transport: unknown }

export const seg = (i: number, extra: Record<string, unknown> = {}) => ({
  id: `1b890475-1482-496d-bcfd-${String(i).padStart(12, "0")}`,
  code: `c${i}`,
  name: `Seg ${i}`,
  import_id: IMPORT,
  description: null,
  cpm: 2,
  categories: ["a"],
  updated_at: "2023-04-12T11:27:00.716632Z",
  ...extra
})

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})

export const scripted = (handler: (req: Req, n: number) => Reply) => {
  const requests: Array<Req> = []
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const req: Req = { url, token: url.searchParams.get("pagination_token"), headers: { ...request.headers } }
      requests.push(req)
      const reply = handler(req, requests.length)
      if ("transport" in reply) {
        return Effect.fail(
          new HttpClientError.RequestError({ request, reason: "Transport", cause: reply.transport })
        )
      }
      const response = Effect.sync(() =>
        HttpClientResponse.fromWeb(
          request,
          new Response(reply.body ?? null, { status: reply.status ?? 200, headers: reply.headers ?? {} })
        )
      )
      return reply.delayMillis ? Effect.zipRight(Effect.sleep(reply.delayMillis), response) : response
    })
  )
  return { client, requests }
}

export const layerFor = (client: HttpClient.HttpClient, options: TaxonomyClient.Options = {}) =>
  TaxonomyClient.layer({
    apiKey: Redacted.make(KEY),
    baseUrl: "http://t.local",
    retry: { baseDelay: "1 millis", maxDelay: "2 millis", maxAttempts: 3 },
    ...options
  }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))

export const collect = <A, E>(s: (c: TaxonomyClient.TaxonomyClient.Service) => Stream.Stream<A, E>) =>
  Effect.flatMap(TaxonomyClient.TaxonomyClient, (c) => Stream.runCollect(s(c))).pipe(Effect.map(Chunk.toArray))

/** Runs the program and returns its exit. */
export const exitOf = <A, E>(
  program: Effect.Effect<A, E, TaxonomyClient.TaxonomyClient>,
  client: HttpClient.HttpClient,
  options?: TaxonomyClient.Options
) => Effect.exit(program.pipe(Effect.provide(layerFor(client, options))))

export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got success ${inspect(exit.value, { depth: 2 })}`)
  const f = Cause.failureOption(exit.cause)
  if (f._tag === "None") throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return f.value
}

export const describeExit = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) {
    return `Success(${
      Array.isArray(exit.value) ? `${exit.value.length} items` : inspect(exit.value, { depth: 0 }).slice(0, 100)
    })`
  }
  const f = Cause.failureOption(exit.cause)
  if (f._tag === "Some") {
    const e = f.value as TaxonomyError.TaxonomyError
    return `Fail(${e._tag}): ${e.message}`
  }
  return `NOT A TYPED FAILURE: ${Cause.pretty(exit.cause).split("\n")[0]}`
}

export const renderings = (error: TaxonomyError.TaxonomyError): ReadonlyArray<string> => [
  error.message,
  String(error),
  JSON.stringify(error),
  JSON.stringify(Inspectable.toJSON(error)),
  inspect(error, { depth: null, showHidden: true }),
  Cause.pretty(Cause.fail(error))
]
