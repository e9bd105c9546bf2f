import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as TaxonomyProxy from "@effect-taxonomy/node/TaxonomyProxy"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as HttpRouter from "@effect/platform/HttpRouter"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import type * as Net from "node:net"
import { afterAll, beforeAll, vi } from "vitest"

/** A recognisable key: every response and every log line is searched for it. */
const apiKey = "7e3b9d2a-4c1f-4a8e-b6d5-2f9c0e1a3b4d"
const seed = SeedData.generateImport({ seed: 21, count: 47 })
const importId = seed.importId
const prefix = "/api/taxonomy"
const noRetry = { maxAttempts: 1 } as const

interface Listening {
  readonly url: string
  /** Path and raw query of every request, as received. */
  readonly urls: Array<string>
  readonly headers: Array<Http.IncomingHttpHeaders>
}

/** A `node:http` server on loopback for `handler`, closed with the scope. */
const serve = (handler: Http.RequestListener) =>
  Effect.map(
    Effect.acquireRelease(
      Effect.async<Listening & { server: Http.Server }>((resume) => {
        const urls: Array<string> = []
        const headers: Array<Http.IncomingHttpHeaders> = []
        const server = Http.createServer((req, res) => {
          urls.push(req.url ?? "")
          headers.push({ ...req.headers })
          handler(req, res)
        })
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as Net.AddressInfo
          resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, urls, headers, server }))
        })
      }),
      ({ server }) =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    ),
    ({ server: _, ...rest }): Listening => rest
  )

/** The fake API (wanting `apiKey`) and the proxy in front of it, mounted at `/api/taxonomy`. */
const setup = (
  options: {
    readonly api?: Partial<FakeTaxonomyApi.Options>
    readonly proxy?: Partial<TaxonomyProxy.NodeHandlerOptions>
  } = {}
) =>
  Effect.gen(function*() {
    const fake = yield* FakeServer.make(
      FakeTaxonomyApi.make({ imports: [seed], pageSize: 10, apiKey, ...options.api })
    )
    const proxy = yield* serve(TaxonomyProxy.nodeHandler({
      apiKey: Redacted.make(apiKey),
      upstream: fake.url,
      prefix,
      ...options.proxy
    }))
    return { fake, proxy, base: `${proxy.url}${prefix}` }
  })

interface Reply {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

/** A request with `node:http`: the path goes on the wire exactly as given. */
const request = (
  url: string,
  options: { readonly method?: string; readonly headers?: Record<string, string>; readonly signal?: AbortSignal } = {}
) =>
  Effect.async<Reply, Error>((resume) => {
    const req = Http.request(url, {
      method: options.method ?? "GET",
      headers: options.headers ?? {},
      ...(options.signal !== undefined ? { signal: options.signal } : {})
    }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (c: Buffer) => chunks.push(c))
      res.on("end", () => {
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = String(v)
        resume(Effect.succeed({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") }))
      })
    })
    req.on("error", (e) => resume(Effect.fail(e)))
    req.end()
  })

/** Everything a reply says, in one string, to search for the key. */
const everything = (reply: Reply) => JSON.stringify(reply)

const segmentsPath = (id: string, query = "") => `/imports/${id}/segments${query}`

const names = (baseUrl: string) =>
  Effect.gen(function*() {
    const client = yield* TaxonomyClient
    return Array.from(yield* Stream.runCollect(client.segments(importId)), (s) => s.name)
  }).pipe(Effect.provide(NodeTaxonomyClient.layer({ baseUrl })))

const failure = (baseUrl: string, id = importId) =>
  Effect.gen(function*() {
    const client = yield* TaxonomyClient
    return yield* Effect.flip(client.page(id))
  }).pipe(Effect.provide(NodeTaxonomyClient.layer({ baseUrl, retry: noRetry })))

/** Everything written to the console while these tests ran. */
const logged: Array<string> = []
beforeAll(() => {
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    const original = console[method].bind(console)
    vi.spyOn(console, method).mockImplementation((...args: Array<unknown>) => {
      logged.push(args.map((a) => (typeof a === "string" ? a : String(a))).join(" "))
      original(...args)
    })
  }
})
afterAll(() => {
  vi.restoreAllMocks()
})

describe("TaxonomyProxy", () => {
  it.scopedLive("forwards every page with the server's key; the client sends none", () =>
    Effect.gen(function*() {
      const { base, fake, proxy } = yield* setup()
      const got = yield* names(base)
      assert.deepStrictEqual(got, seed.segments.map((s) => s.name))
      const requests = fake.api.requests
      assert.strictEqual(requests.length, 5)
      assert.isTrue(requests.every((r) => r.status === 200 && r.headers["x-api-key"] === apiKey))
      assert.isTrue(proxy.headers.every((h) => h["x-api-key"] === undefined))
      // the query reached the API exactly as the client sent it to the proxy
      assert.deepStrictEqual(fake.exchanges.map((e) => e.url), proxy.urls.map((u) => u.slice(prefix.length)))
    }))

  it.scopedLive("pagination_token is forwarded byte for byte (+, /, = and their percent-encodings)", () =>
    Effect.gen(function*() {
      const { base, fake } = yield* setup()
      const token = fake.api.tokenFor(importId, 3)
      assert.match(token, /^\+\/.*==$/)
      const encoded = `?pagination_token=${encodeURIComponent(token)}`
      const ok = yield* request(`${base}${segmentsPath(importId, encoded)}`)
      assert.strictEqual(ok.status, 200)
      assert.strictEqual(JSON.parse(ok.body).elements[0].name, seed.segments[20]!.name)
      const last = fake.api.requests.at(-1)!
      assert.strictEqual(last.query, encoded.slice(1))
      assert.deepStrictEqual(last.token, Option.some(token))

      // a raw + goes through untouched too: the API reads it as a space and says so
      const raw = `?pagination_token=${token}`
      const bad = yield* request(`${base}${segmentsPath(importId, raw)}`)
      assert.strictEqual(fake.api.requests.at(-1)!.query, raw.slice(1))
      assert.strictEqual(bad.status, 400)
      assert.match(bad.headers["content-type"]!, /^text\/plain/)
      assert.strictEqual(bad.body, "Invalid value for: query parameter pagination_token")
    }))

  it.scopedLive("other paths: 404 with a reason, nothing forwarded", () =>
    Effect.gen(function*() {
      const { fake, proxy } = yield* setup()
      const paths = [
        prefix,
        `${prefix}/`,
        `${prefix}/imports`,
        `${prefix}/imports/${importId}`,
        `${prefix}/imports/${importId}/segments/`,
        `${prefix}/imports/${importId}/segments/more`,
        `${prefix}/imports/${importId}/other`,
        `${prefix}/segments`,
        `${prefix}x/imports/${importId}/segments`,
        `/imports/${importId}/segments`,
        "/"
      ]
      for (const path of paths) {
        const reply = yield* request(`${proxy.url}${path}`)
        assert.strictEqual(reply.status, 404, path)
        assert.strictEqual(reply.headers["content-type"], "application/json")
        const body = JSON.parse(reply.body)
        assert.include(body.error.message, "no route", path)
        assert.include(body.error.message, "only GET /imports/{importId}/segments")
      }
      assert.strictEqual(fake.api.requests.length, 0)
    }))

  it.scopedLive("other methods: 405 with Allow: GET, nothing forwarded", () =>
    Effect.gen(function*() {
      const { base, fake } = yield* setup()
      for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]) {
        const reply = yield* request(`${base}${segmentsPath(importId)}`, { method })
        assert.strictEqual(reply.status, 405, method)
        assert.strictEqual(reply.headers["allow"], "GET")
        if (method !== "HEAD") assert.include(JSON.parse(reply.body).error.message, `method "${method}" is not allowed`)
      }
      assert.strictEqual(fake.api.requests.length, 0)
    }))

  it.scopedLive("other or repeated query parameters: 400 with a reason, nothing forwarded", () =>
    Effect.gen(function*() {
      const { base, fake } = yield* setup()
      const cases: ReadonlyArray<readonly [string, string]> = [
        [`?k=${apiKey}`, `query parameter "k" is not allowed`],
        ["?foo=1", `query parameter "foo" is not allowed`],
        ["?pagination_token=a&x=1", `query parameter "x" is not allowed`],
        ["?Pagination_Token=a", `query parameter "Pagination_Token" is not allowed`],
        ["?pagination_token=a&pagination_token=b", "at most once"],
        ["?pagination_token=%ZZ", "not validly percent-encoded"],
        [`?${apiKey}=1`, `query parameter "<redacted>" is not allowed`]
      ]
      for (const [query, reason] of cases) {
        const reply = yield* request(`${base}${segmentsPath(importId, query)}`)
        assert.strictEqual(reply.status, 400, query)
        assert.include(JSON.parse(reply.body).error.message, reason)
        assert.notInclude(everything(reply), apiKey)
      }
      assert.strictEqual(fake.api.requests.length, 0)
    }))

  it.scopedLive("a non-UUID import id: 400 with a reason, nothing forwarded", () =>
    Effect.gen(function*() {
      const { base, fake } = yield* setup()
      for (const id of ["not-a-uuid", "%ZZ", importId.slice(0, -1), `${importId}0`, "..%2F..%2Fadmin", `x${apiKey}`]) {
        const reply = yield* request(`${base}${segmentsPath(id)}`)
        assert.strictEqual(reply.status, 400, id)
        assert.include(JSON.parse(reply.body).error.message, "is not a UUID")
        assert.notInclude(everything(reply), apiKey)
      }
      assert.strictEqual(fake.api.requests.length, 0)
    }))

  it.scopedLive("the browser's own headers are not forwarded; the server's key wins", () =>
    Effect.gen(function*() {
      const { base, fake } = yield* setup()
      const reply = yield* request(`${base}${segmentsPath(importId)}`, {
        headers: {
          "x-api-key": "attacker-key",
          cookie: "session=1",
          authorization: "Bearer x",
          "x-fake-casing": "camel"
        }
      })
      assert.strictEqual(reply.status, 200)
      const sent = fake.api.requests[0]!.headers
      assert.strictEqual(sent["x-api-key"], apiKey)
      assert.isUndefined(sent["cookie"])
      assert.isUndefined(sent["authorization"])
      assert.isUndefined(sent["x-fake-casing"])
      assert.strictEqual(sent["accept"], "application/json")
    }))

  it.scopedLive("passes status, body, content-type, retry-after and x-request-id through", () =>
    Effect.gen(function*() {
      const faults = FaultPlan.scripted([
        { index: 0, fault: FaultPlan.rateLimit(FaultPlan.retryAfterSeconds(7)) },
        {
          index: 1,
          fault: FaultPlan.serverError({ status: 503, body: "html", retryAfter: FaultPlan.retryAfterSeconds(3) })
        },
        { index: 2, fault: FaultPlan.apiError("InsufficientAPIKey", { form: "documented" }) },
        { index: 3, fault: FaultPlan.textBadRequest() },
        { index: 4, fault: FaultPlan.serverError({ status: 500, body: "truncated-json" }) }
      ])
      const { base, fake } = yield* setup({ api: { faults } })
      const viaProxy: Array<Reply> = []
      for (let i = 0; i < 6; i++) viaProxy.push(yield* request(`${base}${segmentsPath(importId)}`))
      fake.api.reset()
      const direct: Array<Reply> = []
      for (let i = 0; i < 6; i++) {
        direct.push(yield* request(`${fake.url}${segmentsPath(importId)}`, { headers: { "x-api-key": apiKey } }))
      }
      assert.deepStrictEqual(viaProxy.map((r) => r.status), [429, 503, 403, 400, 500, 200])
      for (let i = 0; i < 6; i++) {
        const p = viaProxy[i]!
        const d = direct[i]!
        assert.strictEqual(p.status, d.status)
        assert.strictEqual(p.body, d.body)
        for (const name of ["content-type", "retry-after", "x-request-id"]) {
          assert.strictEqual(p.headers[name], d.headers[name], `${name} of reply ${i}`)
        }
        assert.strictEqual(p.headers["cache-control"], "no-store")
      }
      assert.strictEqual(viaProxy[0]!.headers["retry-after"], "7")
    }))

  it.scopedLive("the client behind the proxy classifies errors as if it called the API", () =>
    Effect.gen(function*() {
      const { base, fake } = yield* setup()
      fake.api.setFaultPlan(FaultPlan.always(FaultPlan.rateLimit(FaultPlan.retryAfterSeconds(9))))
      const limited = yield* failure(base)
      assert.strictEqual(limited._tag, "RateLimited")
      assert.strictEqual((limited as { retryAfterMillis?: number }).retryAfterMillis, 9_000)
      fake.api.setFaultPlan(FaultPlan.always(FaultPlan.apiError("InsufficientAPIKey")))
      assert.strictEqual((yield* failure(base))._tag, "InsufficientAPIKey")
      fake.api.setFaultPlan(FaultPlan.none)
      assert.strictEqual((yield* failure(base, SeedData.uuid("proxy-test", "unknown")))._tag, "DoesNotExist")
    }))

  it.scopedLive("a wrong server key: the API's 401 passes through, and the key is not echoed", () =>
    Effect.gen(function*() {
      const wrongKey = "0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d"
      const { base } = yield* setup({ proxy: { apiKey: Redacted.make(wrongKey) } })
      const reply = yield* request(`${base}${segmentsPath(importId)}`)
      assert.strictEqual(reply.status, 401)
      assert.notInclude(everything(reply), wrongKey)
      const error = yield* failure(base)
      assert.strictEqual(error._tag, "InvalidAPIKey")
      assert.notInclude(error.message, wrongKey)
    }))

  it.scopedLive("the key is scrubbed from upstream bodies and headers", () =>
    Effect.gen(function*() {
      const echo = yield* serve((req, res) => {
        const key = String(req.headers["x-api-key"])
        res.writeHead(500, {
          "content-type": "application/json",
          "retry-after": key,
          "x-request-id": key.toUpperCase(),
          "x-echo": key
        })
        res.end(JSON.stringify({ error: { c: `bad key ${key} / ${key.toUpperCase()} / ${encodeURIComponent(key)}` } }))
      })
      const proxy = yield* serve(TaxonomyProxy.nodeHandler({ apiKey: Redacted.make(apiKey), upstream: echo.url }))
      const reply = yield* request(`${proxy.url}${segmentsPath(importId)}`)
      assert.strictEqual(reply.status, 500)
      assert.notInclude(everything(reply).toLowerCase(), apiKey)
      assert.include(reply.body, "bad key <redacted> / <redacted> / <redacted>")
      assert.isUndefined(reply.headers["x-echo"])
      assert.strictEqual(reply.headers["retry-after"], "<redacted>")
      assert.strictEqual(echo.headers[0]!["x-api-key"], apiKey)
    }))

  it.scopedLive("a page passes through byte for byte, even when a short key occurs in its tokens", () =>
    Effect.gen(function*() {
      // "k" occurs in "next_token" and in base64 tokens: scrubbing a page would rewrite them
      const { base, fake } = yield* setup({ api: { apiKey: "k" }, proxy: { apiKey: Redacted.make("k") } })
      const direct = yield* request(`${fake.url}${segmentsPath(importId)}`, { headers: { "x-api-key": "k" } })
      const viaProxy = yield* request(`${base}${segmentsPath(importId)}`)
      assert.strictEqual(viaProxy.status, 200)
      assert.include(viaProxy.body, `"next_token":`)
      assert.strictEqual(viaProxy.body, direct.body)
      assert.deepStrictEqual(yield* names(base), seed.segments.map((s) => s.name))
    }))

  it.scopedLive("an unreachable API: 502 with a short body", () =>
    Effect.gen(function*() {
      const closed = yield* Effect.scoped(serve((_, res) => res.end()))
      const proxy = yield* serve(TaxonomyProxy.nodeHandler({ apiKey: Redacted.make(apiKey), upstream: closed.url }))
      const reply = yield* request(`${proxy.url}${segmentsPath(importId)}`)
      assert.strictEqual(reply.status, 502)
      assert.isBelow(reply.body.length, 200)
      assert.include(JSON.parse(reply.body).error.message, "could not be reached (ECONNREFUSED)")
      assert.notInclude(everything(reply), apiKey)
      const error = yield* failure(proxy.url)
      assert.strictEqual(error._tag, "UnknownError")
      assert.strictEqual((error as { status?: number }).status, 502)
    }))

  it.scopedLive("an API slower than the timeout: 504, and the upstream request is aborted", () =>
    Effect.gen(function*() {
      const { base, fake } = yield* setup({
        api: { faults: FaultPlan.always(FaultPlan.slow(10_000)) },
        proxy: { timeout: "200 millis" }
      })
      const reply = yield* request(`${base}${segmentsPath(importId)}`)
      assert.strictEqual(reply.status, 504)
      assert.include(JSON.parse(reply.body).error.message, "did not answer within")
      yield* FakeServer.waitUntil(fake, (s) => s.exchanges.length === 1 && s.exchanges[0]!.aborted)
    }))

  it.scopedLive("a client that goes away aborts the upstream request", () =>
    Effect.gen(function*() {
      const { base, fake } = yield* setup({ api: { faults: FaultPlan.always(FaultPlan.slow(20_000)) } })
      const controller = new AbortController()
      const pending = yield* Effect.fork(Effect.either(
        request(`${base}${segmentsPath(importId)}`, { signal: controller.signal })
      ))
      yield* FakeServer.waitUntil(fake, (s) => s.exchanges.length === 1, { timeoutMs: 5_000 })
      controller.abort()
      yield* FakeServer.waitUntil(fake, (s) => s.exchanges[0]!.aborted, { timeoutMs: 5_000 })
      assert.isTrue(Either.isLeft(yield* pending.await.pipe(Effect.flatten)))
    }))

  it.scopedLive("as an Effect HttpApp mounted in an HttpRouter", () =>
    Effect.gen(function*() {
      const fake = yield* FakeServer.make(FakeTaxonomyApi.make({ imports: [seed], pageSize: 10, apiKey }))
      const router = HttpRouter.empty.pipe(
        HttpRouter.mountApp(prefix, TaxonomyProxy.httpApp({ apiKey: Redacted.make(apiKey), upstream: fake.url }))
      )
      // the client layer lives as long as the test's scope, like the server
      const client = yield* Layer.build(NodeHttpClient.layerUndici)
      const handler = yield* NodeHttpServer.makeHandler(router).pipe(Effect.provide(client))
      const proxy = yield* serve(handler)
      const got = yield* names(`${proxy.url}${prefix}`)
      assert.strictEqual(got.length, 47)
      assert.isTrue(fake.api.requests.every((r) => r.headers["x-api-key"] === apiKey))
      assert.strictEqual((yield* request(`${proxy.url}${prefix}/imports`)).status, 404)
      assert.strictEqual(
        (yield* request(`${proxy.url}${prefix}${segmentsPath(importId)}`, { method: "POST" })).status,
        405
      )
      assert.strictEqual((yield* request(`${proxy.url}${prefix}${segmentsPath("nope")}`)).status, 400)
    }))

  it.effect("config reads the key as a Redacted from PERMUTIVE_API_KEY", () =>
    Effect.gen(function*() {
      const options = yield* TaxonomyProxy.config.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(
          new Map([
            ["PERMUTIVE_API_KEY", apiKey],
            ["TAXONOMY_PROXY_PREFIX", prefix],
            ["TAXONOMY_PROXY_TIMEOUT", "5 seconds"]
          ])
        ))
      )
      assert.strictEqual(Redacted.value(options.apiKey), apiKey)
      assert.notInclude(String(options.apiKey), apiKey)
      assert.notInclude(JSON.stringify(options), apiKey)
      assert.strictEqual(options.prefix, prefix)
      assert.isUndefined(options.upstream)
      assert.strictEqual(TaxonomyProxy.defaultUpstream, "https://api.permutive.app/audience-api/v1")
    }))

  it("nothing logged during these tests contains the key", () => {
    assert.isTrue(logged.every((line) => !line.toLowerCase().includes(apiKey)))
  })
})
