import * as BrowserTaxonomyClient from "@effect-taxonomy/browser/BrowserTaxonomyClient"
import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import type * as TaxonomyClientModule from "@effect-taxonomy/core/TaxonomyClient"
import * as TaxonomyProxy from "@effect-taxonomy/node/TaxonomyProxy"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import type * as Net from "node:net"
import { afterEach, vi } from "vitest"

const apiKey = "3c5e1f0a-8b7d-4e2c-9a6f-0d1e2f3a4b5c"
const seed = SeedData.generateImport({ seed: 11, count: 45 })
const unknownImport = SeedData.uuid("browser-test", "unknown")
const fastRetry = { baseDelay: "1 millis", maxDelay: "5 millis", maxAttempts: 2 } as const

const fake = (options: Partial<FakeTaxonomyApi.Options> = {}) =>
  FakeServer.make(FakeTaxonomyApi.make({ imports: [seed], pageSize: 10, ...options }))

const collectNames = (importId: string, layer: Layer.Layer<TaxonomyClientModule.TaxonomyClient>) =>
  Effect.gen(function*() {
    const client = yield* TaxonomyClient
    const segments = yield* Stream.runCollect(client.segments(importId))
    return Array.from(segments, (s) => s.name)
  }).pipe(Effect.provide(layer))

/** A `node:http` server on loopback for `handler`, recording each request's headers. */
const serve = (handler: Http.RequestListener) =>
  Effect.acquireRelease(
    Effect.async<{ url: string; seen: Array<Http.IncomingHttpHeaders>; server: Http.Server }>((resume) => {
      const seen: Array<Http.IncomingHttpHeaders> = []
      const server = Http.createServer((req, res) => {
        seen.push({ ...req.headers })
        handler(req, res)
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as Net.AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, seen, server }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

afterEach(() => {
  vi.unstubAllGlobals()
})

describe("BrowserTaxonomyClient", () => {
  it.scopedLive("streams every segment over fetch and sends no API key", () =>
    Effect.gen(function*() {
      const server = yield* fake()
      const names = yield* collectNames(seed.importId, BrowserTaxonomyClient.layer({ baseUrl: server.url }))
      assert.deepStrictEqual(names, seed.segments.map((s) => s.name))
      const requests = server.api.requests
      assert.strictEqual(requests.length, 5)
      assert.isTrue(requests.every((r) => r.headers["x-api-key"] === undefined))
    }))

  it.scopedLive("a relative base URL is resolved against location.origin", () =>
    Effect.gen(function*() {
      const server = yield* fake({ basePath: "/api/taxonomy" })
      vi.stubGlobal("location", { origin: server.url, pathname: "/some/page", href: `${server.url}/some/page` })
      const names = yield* collectNames(seed.importId, BrowserTaxonomyClient.layer())
      assert.strictEqual(names.length, 45)
      const relative = yield* collectNames(seed.importId, BrowserTaxonomyClient.layer({ baseUrl: "api/taxonomy/" }))
      assert.strictEqual(relative.length, 45)
      assert.isTrue(server.api.requests.every((r) => r.path === `/api/taxonomy/imports/${seed.importId}/segments`))
    }))

  it("resolveBaseUrl", () => {
    const { resolveBaseUrl } = BrowserTaxonomyClient
    assert.strictEqual(
      resolveBaseUrl("/api/taxonomy", "https://app.example.com"),
      "https://app.example.com/api/taxonomy"
    )
    assert.strictEqual(
      resolveBaseUrl("api/taxonomy/", "https://app.example.com"),
      "https://app.example.com/api/taxonomy"
    )
    assert.strictEqual(
      resolveBaseUrl("https://proxy.example.com/t/", "https://app.example.com"),
      "https://proxy.example.com/t"
    )
    assert.strictEqual(resolveBaseUrl("/api/taxonomy", undefined), "/api/taxonomy")
    assert.strictEqual(BrowserTaxonomyClient.defaultBaseUrl, "/api/taxonomy")
  })

  it.scopedLive("without a page origin a relative base URL fails with InvalidOptions naming it, before any request", () =>
    Effect.gen(function*() {
      const result = yield* Effect.either(
        collectNames(seed.importId, BrowserTaxonomyClient.layer({ retry: fastRetry }))
      )
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left._tag, "InvalidOptions")
        assert.strictEqual(
          result.left.message,
          `Invalid option baseUrl: must be an absolute http:// or https:// URL, got "/api/taxonomy". ` +
            `No request was sent; not retried: fix the option.`
        )
      }
    }))

  it.scopedLive("against an API that wants a key, no key means AuthorizationMissing", () =>
    Effect.gen(function*() {
      const server = yield* fake({ apiKey })
      const result = yield* Effect.either(
        collectNames(seed.importId, BrowserTaxonomyClient.layer({ baseUrl: server.url }))
      )
      assert.isTrue(Either.isLeft(result) && result.left._tag === "AuthorizationMissing")
    }))

  it.scopedLive("a key smuggled into layer() past the types is not sent", () =>
    Effect.gen(function*() {
      const server = yield* fake()
      const options = { baseUrl: server.url, apiKey: Redacted.make(apiKey) } as BrowserTaxonomyClient.Options
      yield* collectNames(seed.importId, BrowserTaxonomyClient.layer(options))
      assert.isTrue(server.api.requests.every((r) => r.headers["x-api-key"] === undefined))
    }))

  it.scopedLive("layerWithApiKeyUnsafe sends the key, and only with the explicit flag", () =>
    Effect.gen(function*() {
      const server = yield* fake({ apiKey })
      const names = yield* collectNames(
        seed.importId,
        BrowserTaxonomyClient.layerWithApiKeyUnsafe({
          baseUrl: server.url,
          apiKey: Redacted.make(apiKey),
          dangerouslyShipPrivateKeyToBrowser: true
        })
      )
      assert.strictEqual(names.length, 45)
      assert.isTrue(server.api.requests.every((r) => r.headers["x-api-key"] === apiKey))
      assert.throws(
        () =>
          BrowserTaxonomyClient.layerWithApiKeyUnsafe({
            baseUrl: server.url,
            apiKey: Redacted.make(apiKey)
          } as unknown as BrowserTaxonomyClient.UnsafeApiKeyOptions),
        /dangerouslyShipPrivateKeyToBrowser/
      )
    }))

  it.scopedLive("through TaxonomyProxy: every segment, typed errors, the key only between proxy and API", () =>
    Effect.gen(function*() {
      const server = yield* fake({ apiKey })
      const proxy = yield* serve(TaxonomyProxy.nodeHandler({
        apiKey: Redacted.make(apiKey),
        upstream: server.url,
        prefix: "/api/taxonomy"
      }))
      const layer = BrowserTaxonomyClient.layer({ baseUrl: `${proxy.url}/api/taxonomy`, retry: fastRetry })
      const names = yield* collectNames(seed.importId, layer)
      assert.deepStrictEqual(names, seed.segments.map((s) => s.name))
      const missing = yield* Effect.either(collectNames(unknownImport, layer))
      assert.isTrue(Either.isLeft(missing))
      if (Either.isLeft(missing)) {
        assert.strictEqual(missing.left._tag, "DoesNotExist")
        assert.notInclude(missing.left.message, apiKey)
      }
      assert.strictEqual(proxy.seen.length, 6)
      assert.isTrue(proxy.seen.every((headers) => headers["x-api-key"] === undefined))
      assert.isTrue(server.api.requests.every((r) => r.headers["x-api-key"] === apiKey))
    }))

  it.live("interrupting the stream aborts the fetch (fake fetch)", () =>
    Effect.gen(function*() {
      const calls: Array<{ url: string; init: RequestInit | undefined }> = []
      let rejected: unknown
      const fakeFetch: typeof globalThis.fetch = (input, init) => {
        calls.push({ url: String(input), init })
        return new Promise<Response>((_, reject) => {
          init?.signal?.addEventListener("abort", () => {
            rejected = init.signal!.reason
            reject(init.signal!.reason)
          })
        })
      }
      const layer = BrowserTaxonomyClient.layer({
        baseUrl: "https://app.example.com/api/taxonomy",
        fetch: fakeFetch,
        requestInit: { credentials: "include" }
      })
      const fiber = yield* Effect.fork(collectNames(seed.importId, layer))
      while (calls.length === 0) yield* Effect.sleep("5 millis")
      const call = calls[0]!
      assert.strictEqual(call.url, `https://app.example.com/api/taxonomy/imports/${seed.importId}/segments`)
      assert.strictEqual(call.init?.credentials, "include")
      assert.isNull(new Headers(call.init?.headers as HeadersInit).get("x-api-key"))
      assert.isFalse(call.init?.signal?.aborted)
      yield* Fiber.interrupt(fiber)
      assert.isTrue(call.init?.signal?.aborted)
      assert.isDefined(rejected)
    }))

  it.scopedLive("interrupting the stream aborts the request in flight (loopback)", () =>
    Effect.gen(function*() {
      const server = yield* fake({ faults: FaultPlan.scripted([{ page: 2, fault: FaultPlan.slow(20_000) }]) })
      const fiber = yield* Effect.fork(
        collectNames(seed.importId, BrowserTaxonomyClient.layer({ baseUrl: server.url }))
      )
      yield* FakeServer.waitUntil(server, (s) => s.exchanges.some((e) => e.action === "Delay"), { timeoutMs: 5_000 })
      yield* Fiber.interrupt(fiber)
      yield* FakeServer.waitUntil(server, (s) => s.exchanges.some((e) => e.action === "Delay" && e.aborted), {
        timeoutMs: 5_000
      })
    }))
})
