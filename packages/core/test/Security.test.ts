import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
import * as TaxonomyError from "@effect-taxonomy/core/TaxonomyError"
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { createServer } from "node:net"
import { inspect } from "node:util"
import { apiKey, clientLayer, seedImport, transports } from "./harness.js"
import { recordingLogger, recordingTracer } from "./recording.js"

const seed = seedImport(30)
const leak = `key ${apiKey} was rejected`

/** Every way this project renders an error. */
const renderings = (error: TaxonomyError.TaxonomyError): ReadonlyArray<string> => [
  error.message,
  String(error),
  error.toString(),
  JSON.stringify(error),
  JSON.stringify(Inspectable.toJSON(error)),
  inspect(error, { depth: null, showHidden: true }),
  Cause.pretty(Cause.fail(error)),
  error.stack ?? ""
]

const run = (
  transport: "memory" | "loopback",
  api: FakeTaxonomyApi.FakeTaxonomyApi,
  options: TaxonomyClient.Options,
  use: (client: TaxonomyClient.TaxonomyClient.Service) => Effect.Effect<unknown, TaxonomyError.TaxonomyError>
) => {
  const tracer = recordingTracer()
  const logger = recordingLogger()
  return Effect.flatMap(TaxonomyClient.TaxonomyClient, (client) => Effect.flip(use(client))).pipe(
    Effect.provide(clientLayer(transport, api, { retry: { maxAttempts: 2, baseDelay: "1 millis" }, ...options })),
    Effect.provide(Layer.merge(tracer.layer, logger.layer)),
    Effect.map((error) => ({ error, spans: tracer.spans, logs: logger.lines }))
  )
}

const assertNoKey = (
  label: string,
  outcome: {
    readonly error: TaxonomyError.TaxonomyError
    readonly spans: ReadonlyArray<{ name: string; attributes: Map<string, unknown>; events: ReadonlyArray<unknown> }>
    readonly logs: ReadonlyArray<string>
  }
) => {
  assert.isTrue(TaxonomyError.isTaxonomyError(outcome.error), `${label}: a TaxonomyError, not ${String(outcome.error)}`)
  for (const text of renderings(outcome.error)) assert.notInclude(text, apiKey, `${label}: ${outcome.error._tag}`)
  for (const span of outcome.spans) {
    const rendered = JSON.stringify({ name: span.name, attributes: [...span.attributes], events: span.events })
    assert.notInclude(rendered, apiKey, `${label}: span ${span.name}`)
  }
  for (const line of outcome.logs) assert.notInclude(line, apiKey, `${label}: log line`)
}

const faults: ReadonlyArray<readonly [string, FaultPlan.Fault]> = [
  ...FakeTaxonomyApi.variants.map((v) => [`${v} (wrapper)`, FaultPlan.apiError(v, { cause: leak })] as const),
  ...FakeTaxonomyApi.variants.map((v) =>
    [`${v} (documented)`, FaultPlan.apiError(v, { form: "documented", cause: leak })] as const
  ),
  ["text 400 echoing the key", FaultPlan.textBadRequest(`Invalid value for: header X-API-Key ${apiKey}`)],
  ["502 HTML", FaultPlan.serverError({ status: 502, body: "html" })],
  ["empty 503", FaultPlan.serverError({ status: 503, body: "empty" })],
  ["truncated 500", FaultPlan.serverError({ status: 500, body: "truncated-json" })],
  ["429 beyond the maximum Retry-After", FaultPlan.rateLimit(FaultPlan.retryAfterSeconds(3600))],
  ["429 without Retry-After", FaultPlan.rateLimit(FaultPlan.noRetryAfter)],
  ["slow response (timeout)", FaultPlan.slow(2_000)],
  ["reset before headers", FaultPlan.resetBeforeHeaders],
  ["reset mid-body", FaultPlan.resetMidBody()],
  ["truncated body", FaultPlan.truncatedBody()]
]

describe("the API key never leaks", () => {
  for (const transport of transports) {
    it.live(`in any rendering, log line or span, whatever fails, over ${transport}`, () =>
      Effect.gen(function*() {
        for (const [label, fault] of faults) {
          const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 10, faults: FaultPlan.always(fault) })
          const outcome = yield* run(transport, api, { requestTimeout: "100 millis" }, (c) =>
            Stream.runDrain(c.segments(seed.importId)))
          assert.strictEqual(api.requests[0]!.headers["x-api-key"], apiKey, `${label}: the key was sent`)
          assertNoKey(label, outcome)
          if (fault._tag === "ApiError" || fault._tag === "TextBadRequest") {
            assert.include(outcome.error.message, "<redacted>", `${label}: the echoed key is scrubbed`)
          }
        }
        for (
          const [label, plan, options] of [
            ["pagination loop", FaultPlan.scripted([{ page: 2, fault: FaultPlan.repeatToken }]), {}],
            ["deadline", FaultPlan.scripted([{ page: 2, fault: FaultPlan.slow(2_000) }]), { deadline: "150 millis" }]
          ] as const
        ) {
          const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 10, faults: plan })
          const outcome = yield* run(transport, api, {}, (c) =>
            Stream.runDrain(c.segments(seed.importId, options)))
          assertNoKey(label, outcome)
        }
        const api = FakeTaxonomyApi.make({ imports: [seed] })
        assertNoKey(
          "invalid import id",
          yield* run(transport, api, {}, (c) =>
            c.page(`x${apiKey}`.slice(0, 36)))
        )
        assertNoKey(
          "invalid token",
          yield* run(transport, api, {}, (c) =>
            Stream.runDrain(c.segments(seed.importId, { from: "" })))
        )
      }), { timeout: 60_000 })
  }

  it.live("when the connection is refused by a closed port", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(() =>
        new Promise<number>((resolve) => {
          const server = createServer()
          server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as { port: number }
            server.close(() => resolve(port))
          })
        })
      )
      const tracer = recordingTracer()
      const logger = recordingLogger()
      const error = yield* Effect.flatMap(TaxonomyClient.TaxonomyClient, (c) => Effect.flip(c.page(seed.importId)))
        .pipe(
          Effect.provide(NodeTaxonomyClient.layer({
            baseUrl: `http://127.0.0.1:${port}`,
            apiKey: Redacted.make(apiKey),
            retry: { maxAttempts: 3, baseDelay: "1 millis" }
          })),
          Effect.provide(Layer.merge(tracer.layer, logger.layer))
        )
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual((error as TaxonomyError.TransportError).reason, "ConnectionRefused")
      assert.include(error.message, `ECONNREFUSED 127.0.0.1:${port}`)
      // two retries were logged and recorded as span events
      assert.strictEqual(logger.lines.filter((l) => l.includes("retrying after TransportError")).length, 2)
      assert.strictEqual(tracer.spans.flatMap((s) => s.events).filter((e) => e.name === "taxonomy.retry").length, 2)
      assertNoKey("connection refused", { error, spans: tracer.spans, logs: logger.lines })
    }))

  it.live("when a server echoes the request headers back in a 200 it cannot decode", () =>
    Effect.gen(function*() {
      const echo = HttpClient.make((request) =>
        Effect.succeed(
          HttpClientResponse.fromWeb(
            request,
            new Response(JSON.stringify({ headers: request.headers }), { status: 200 })
          )
        )
      )
      const tracer = recordingTracer()
      const logger = recordingLogger()
      const error = yield* Effect.flatMap(TaxonomyClient.TaxonomyClient, (c) => Effect.flip(c.page(seed.importId)))
        .pipe(
          Effect.provide(
            TaxonomyClient.layer({ apiKey: Redacted.make(apiKey), baseUrl: "http://echo.local" }).pipe(
              Layer.provide(Layer.succeed(HttpClient.HttpClient, echo))
            )
          ),
          Effect.provide(Layer.merge(tracer.layer, logger.layer))
        )
      assert.strictEqual(error._tag, "MalformedResponse")
      assert.include((error as TaxonomyError.MalformedResponse).excerpt, "\"x-api-key\":\"<redacted>\"")
      assertNoKey("echoed headers", { error, spans: tracer.spans, logs: logger.lines })
    }))

  it("in the client's options: a Redacted key renders as <redacted>", () => {
    const key = Redacted.make(apiKey)
    const options: TaxonomyClient.Options = { apiKey: key }
    assert.notInclude(JSON.stringify(options), apiKey)
    assert.notInclude(inspect(options, { depth: null }), apiKey)
    assert.notInclude(String(key), apiKey)
  })
})
