import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as DiagnosticsChannel from "node:diagnostics_channel"

const key = "3b241101-e2bb-4255-8caf-4136c566a962"
const seed = SeedData.generateImport({ seed: 5, count: 120 })

const withEnv = (env: Record<string, string>) =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

/**
 * The order of what happens when every page of a 3-page import is streamed
 * over undici: "sent" when a request's headers are written to the socket,
 * "page of N" when the consumer gets a page. undici writes a request only in
 * a later turn of the event loop (a kept-alive socket is reused a turn later;
 * the second request opens a second connection): unless the stream lets the
 * loop turn first, the next request would wait until the current page was
 * decoded and consumed.
 */
const wireOrder = (prefetch: number) =>
  Effect.gen(function*() {
    const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 40, apiKey: key })
    const server = yield* FakeServer.make(api)
    const events: Array<string> = []
    const sent = () => events.push("sent")
    const channel = DiagnosticsChannel.channel("undici:client:sendHeaders")
    yield* Effect.acquireRelease(
      Effect.sync(() => channel.subscribe(sent)),
      () => Effect.sync(() => channel.unsubscribe(sent))
    )
    yield* Effect.flatMap(TaxonomyClient, (client) =>
      Stream.runForEach(
        client.pages(seed.importId, { prefetch }),
        (page) => Effect.sync(() => events.push(`page of ${page.segments.length}`))
      )).pipe(
        Effect.provide(NodeTaxonomyClient.layer({ baseUrl: server.url, apiKey: Redacted.make(key) }))
      )
    return events
  })

describe("NodeTaxonomyClient", () => {
  it.scoped("layerConfig reads PERMUTIVE_API_KEY and PERMUTIVE_BASE_URL and streams over undici", () =>
    Effect.gen(function*() {
      const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 25, apiKey: key })
      const server = yield* FakeServer.make(api)
      const count = yield* Effect.flatMap(TaxonomyClient, (client) => Stream.runCount(client.segments(seed.importId)))
        .pipe(
          Effect.provide(
            NodeTaxonomyClient.layerConfig().pipe(
              Layer.provide(withEnv({ PERMUTIVE_API_KEY: key, PERMUTIVE_BASE_URL: server.url }))
            )
          )
        )
      assert.strictEqual(count, 120)
      assert.strictEqual(api.requests.length, 5)
      assert.isTrue(api.requests.every((r) => r.headers["x-api-key"] === key && r.status === 200))
    }))

  it.scoped("prefetch over undici: the next page's request is on the wire before the current page is decoded", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* wireOrder(1), ["sent", "sent", "page of 40", "sent", "page of 40", "page of 40"])
    }))

  it.scoped("prefetch 2 over undici: the producer starts the next request before the consumer gets a page", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* wireOrder(2), ["sent", "sent", "page of 40", "sent", "page of 40", "page of 40"])
    }))

  it.effect("optionsFromEnv reads every documented variable", () =>
    Effect.gen(function*() {
      const options = yield* NodeTaxonomyClient.optionsFromEnv.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(
          new Map([
            ["PERMUTIVE_API_KEY", key],
            ["PERMUTIVE_BASE_URL", "http://proxy.internal/v1"],
            ["PERMUTIVE_REQUEST_TIMEOUT", "5 seconds"],
            ["PERMUTIVE_PREFETCH", "3"],
            ["PERMUTIVE_RETRY_MAX_ATTEMPTS", "9"],
            ["PERMUTIVE_RETRY_MAX_DELAY", "20 seconds"],
            ["PERMUTIVE_RETRY_MAX_ELAPSED", "10 minutes"],
            ["PERMUTIVE_RETRY_MAX_RETRY_AFTER", "2 minutes"]
          ])
        ))
      )
      assert.isTrue(Redacted.isRedacted(options.apiKey))
      assert.strictEqual(Redacted.value(options.apiKey!), key)
      assert.strictEqual(String(options.apiKey), "<redacted>")
      assert.strictEqual(options.baseUrl, "http://proxy.internal/v1")
      assert.deepStrictEqual(options.requestTimeout, Duration.seconds(5))
      assert.strictEqual(options.prefetch, 3)
      assert.strictEqual(options.retry?.maxAttempts, 9)
      assert.deepStrictEqual(options.retry?.maxDelay, Duration.seconds(20))
      assert.deepStrictEqual(options.retry?.maxElapsed, Duration.minutes(10))
      assert.deepStrictEqual(options.retry?.maxRetryAfter, Duration.minutes(2))
    }))

  it.effect("layerConfig fails with a ConfigError naming PERMUTIVE_API_KEY when it is empty or blank", () =>
    Effect.gen(function*() {
      for (const blank of ["", "   ", "\n"]) {
        const exit = yield* Effect.exit(
          Effect.provide(
            TaxonomyClient,
            NodeTaxonomyClient.layerConfig().pipe(Layer.provide(withEnv({ PERMUTIVE_API_KEY: blank })))
          )
        )
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) {
          assert.strictEqual(String(exit.cause), "Error: (Invalid data at PERMUTIVE_API_KEY: \"is empty\")")
        }
      }
    }))

  it.effect("layerConfig fails with a ConfigError naming PERMUTIVE_API_KEY when it is missing", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Effect.provide(TaxonomyClient, NodeTaxonomyClient.layerConfig().pipe(Layer.provide(withEnv({}))))
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        assert.strictEqual(
          String(exit.cause),
          "Error: (Missing data at PERMUTIVE_API_KEY: \"Expected PERMUTIVE_API_KEY to exist in the provided map\")"
        )
      }
    }))
})
