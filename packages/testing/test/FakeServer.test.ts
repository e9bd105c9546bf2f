import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Http from "node:http"
import * as Net from "node:net"
import * as FakeServer from "../src/FakeServer.js"
import * as FakeTaxonomyApi from "../src/FakeTaxonomyApi.js"
import * as FaultPlan from "../src/FaultPlan.js"
import * as SeedData from "../src/SeedData.js"
import { segmentsUrl, type SnakePage } from "./utils.js"

const seed = SeedData.generateImport({ seed: 1, count: 50 })
const importId = seed.importId
const make = (options: Partial<FakeTaxonomyApi.Options> = {}) =>
  FakeTaxonomyApi.make({ imports: [seed], pageSize: 7, ...options })

const fetchE = (url: string, init?: RequestInit) => Effect.tryPromise(() => fetch(url, init))
const textE = (response: Response) => Effect.tryPromise(() => response.text())

/** The code of a failed `fetch` (undici puts the socket error in `cause`). */
const causeCode = (error: unknown): string | undefined => {
  const cause = (error as { cause?: unknown }).cause
  const inner = (cause as { cause?: unknown }).cause ?? cause
  return (inner as { code?: string } | undefined)?.code ?? (cause as { code?: string } | undefined)?.code
}

/** GET with node:http on a given agent; resolves with status and body, rejects with the socket error. */
const nodeGet = (url: string, agent: Http.Agent) =>
  Effect.async<{ readonly status: number; readonly body: string }, NodeJS.ErrnoException>((resume) => {
    const req = Http.get(url, { agent }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (c: Buffer) => chunks.push(c))
      res.on(
        "end",
        () => resume(Effect.succeed({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
      )
      res.on("error", (e) => resume(Effect.fail(e)))
    })
    req.on("error", (e) => resume(Effect.fail(e)))
  })

/** Raw HTTP/1.1 exchange over a TCP socket: every byte until the server closes. */
const rawGet = (port: number, path: string) =>
  Effect.async<Buffer, Error>((resume) => {
    const chunks: Array<Buffer> = []
    const socket = Net.connect(port, "127.0.0.1", () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`)
    })
    socket.on("data", (c) => chunks.push(c))
    socket.on("close", () => resume(Effect.succeed(Buffer.concat(chunks))))
    socket.on("error", (e) => resume(Effect.fail(e)))
  })

describe("FakeServer", () => {
  it.scopedLive("serves every page over loopback; tokens with + / = survive byte for byte", () =>
    Effect.gen(function*() {
      const api = make()
      const server = yield* FakeServer.make(api)
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.isTrue(server.listening)
      const segments: Array<SeedData.WireSegment> = []
      const sent: Array<string> = []
      let token: string | undefined
      do {
        const response = yield* fetchE(`${server.url}${segmentsUrl(importId, token)}`)
        assert.strictEqual(response.status, 200)
        assert.strictEqual(response.headers.get("content-type"), "application/json")
        const page = (yield* Effect.promise(() => response.json())) as SnakePage
        for (const element of page.elements) segments.push(element)
        token = page.pagination.next_token ?? undefined
        if (token !== undefined) sent.push(token)
      } while (token !== undefined)
      assert.deepStrictEqual(segments, seed.segments)
      const requests = api.requests
      assert.strictEqual(requests.length, 8)
      assert.isFalse(requests[0]!.hasTokenParam)
      assert.deepStrictEqual(requests.slice(1).map((r) => Option.getOrThrow(r.token)), sent)
      assert.isTrue(sent.every((t) => t.includes("+") && t.includes("/") && t.endsWith("==")))
      assert.strictEqual(server.exchanges.length, 8)
      assert.isTrue(server.exchanges.every((e) => e.finished && !e.aborted))
    }))

  it.scopedLive("a token sent with a raw + reaches the server as a space: 400 text/plain", () =>
    Effect.gen(function*() {
      const api = make()
      const server = yield* FakeServer.make(api)
      const token = api.tokenFor(importId, 2)
      const response = yield* fetchE(`${server.url}/imports/${importId}/segments?pagination_token=${token}`)
      assert.strictEqual(response.status, 400)
      assert.strictEqual(response.headers.get("content-type"), "text/plain; charset=utf-8")
      assert.strictEqual(yield* textE(response), "Invalid value for: query parameter pagination_token")
      assert.deepStrictEqual(api.requests[0]!.token, Option.some(token.replaceAll("+", " ")))
    }))

  it.scopedLive("reset before headers: the client sees a connection reset", () =>
    Effect.gen(function*() {
      const server = yield* FakeServer.make(make({ faults: FaultPlan.always(FaultPlan.resetBeforeHeaders) }))
      const error = yield* Effect.flip(fetchE(`${server.url}${segmentsUrl(importId)}`))
      assert.strictEqual(causeCode(error.error), "ECONNRESET")
      assert.strictEqual(server.exchanges[0]!.resetByServer, true)
      assert.strictEqual(server.exchanges[0]!.aborted, false)
    }))

  it.scopedLive("reset mid-body: 200 headers arrive, then the body fails", () =>
    Effect.gen(function*() {
      const api = make({
        faults: FaultPlan.scripted([{ index: 0, fault: FaultPlan.resetMidBody({ afterBytes: 100 }) }])
      })
      const server = yield* FakeServer.make(api)
      const response = yield* fetchE(`${server.url}${segmentsUrl(importId)}`)
      assert.strictEqual(response.status, 200)
      const full = FakeTaxonomyApi.make({ imports: [seed], pageSize: 7 }).handle(
        { method: "GET", url: segmentsUrl(importId), headers: {} },
        0
      )
      assert.strictEqual(response.headers.get("content-length"), full.headers["content-length"])
      const error = yield* Effect.flip(textE(response))
      assert.strictEqual(causeCode(error.error), "ECONNRESET")
      // the retry gets exactly the page
      const retry = yield* fetchE(`${server.url}${segmentsUrl(importId)}`)
      assert.strictEqual(yield* textE(retry), full.body)
    }))

  it.scopedLive("truncated body: Content-Length larger than what is sent, then the connection closes", () =>
    Effect.gen(function*() {
      const api = make({
        faults: FaultPlan.scripted([{ page: 1, times: 2, fault: FaultPlan.truncatedBody({ sentBytes: 123 }) }])
      })
      const server = yield* FakeServer.make(api)
      const raw = (yield* rawGet(server.port, segmentsUrl(importId))).toString("latin1")
      const [head, body] = raw.split("\r\n\r\n") as [string, string]
      assert.match(head, /^HTTP\/1\.1 200 OK\r\n/)
      const declared = Number(/\r\ncontent-length: (\d+)/i.exec(head)![1])
      assert.isAbove(declared, 123)
      assert.strictEqual(body.length, 123)
      const response = yield* fetchE(`${server.url}${segmentsUrl(importId)}`)
      assert.strictEqual(response.status, 200)
      yield* Effect.flip(textE(response))
    }))

  it.scopedLive("keep-alive reset: a request on a connection that already served one meets a reset", () =>
    Effect.gen(function*() {
      const api = make({ faults: FaultPlan.scripted([{ index: 1, fault: FaultPlan.keepAliveReset }]) })
      const server = yield* FakeServer.make(api)
      const agent = yield* Effect.acquireRelease(
        Effect.sync(() => new Http.Agent({ keepAlive: true, maxSockets: 1 })),
        (agent) => Effect.sync(() => agent.destroy())
      )
      const url = `${server.url}${segmentsUrl(importId)}`
      const first = yield* nodeGet(url, agent)
      assert.strictEqual(first.status, 200)
      const error = yield* Effect.flip(nodeGet(url, agent))
      assert.strictEqual(error.code, "ECONNRESET")
      const third = yield* nodeGet(url, agent)
      assert.strictEqual(third.body, first.body)
      assert.deepStrictEqual(
        server.exchanges.map((e) => [e.socketReused, e.resetByServer, e.finished]),
        [[false, false, true], [true, true, false], [false, false, true]]
      )
      // on a fresh connection the same fault is a normal answer
      const fresh = yield* FakeServer.make(make({ faults: FaultPlan.always(FaultPlan.keepAliveReset) }))
      const response = yield* fetchE(`${fresh.url}${segmentsUrl(importId)}`, { headers: { connection: "close" } })
      assert.strictEqual(response.status, 200)
    }))

  it.scopedLive("slow response vs. a client timeout: the server records the abort and the closed connection", () =>
    Effect.gen(function*() {
      const server = yield* FakeServer.make(
        make({ faults: FaultPlan.scripted([{ index: 0, fault: FaultPlan.slow(10_000) }]) })
      )
      const error = yield* Effect.flip(
        fetchE(`${server.url}${segmentsUrl(importId)}`, { signal: AbortSignal.timeout(100) })
      )
      assert.strictEqual((error.error as Error).name, "TimeoutError")
      yield* FakeServer.waitUntil(server, (s) => s.exchanges[0]?.aborted === true && s.connections.closed >= 1)
      const [exchange] = server.exchanges
      assert.deepStrictEqual(
        [exchange!.action, exchange!.finished, exchange!.aborted, exchange!.closed],
        ["Delay", false, true, true]
      )
      // the request's own connection is gone (undici may have opened a spare one)
      assert.isAtLeast(server.connections.closed, 1)
      // a patient client gets the page
      const quick = yield* FakeServer.make(make({ faults: FaultPlan.always(FaultPlan.slow(50)) }))
      const response = yield* fetchE(`${quick.url}${segmentsUrl(importId)}`)
      assert.strictEqual(response.status, 200)
      assert.strictEqual(((yield* Effect.promise(() => response.json())) as SnakePage).elements.length, 7)
    }))

  it.live("clean shutdown: closing the scope closes the port and every connection", () =>
    Effect.gen(function*() {
      const agent = new Http.Agent({ keepAlive: true })
      const server = yield* Effect.scoped(
        Effect.gen(function*() {
          const server = yield* FakeServer.make(
            make({ faults: FaultPlan.scripted([{ index: 1, fault: FaultPlan.slow(60_000) }]) })
          )
          // one idle keep-alive connection and one request stuck in a slow response
          yield* nodeGet(`${server.url}${segmentsUrl(importId)}`, agent)
          yield* Effect.fork(Effect.either(fetchE(`${server.url}${segmentsUrl(importId)}`)))
          yield* FakeServer.waitUntil(server, (s) => s.exchanges.length === 2 && s.connections.open === 2)
          return server
        })
      )
      agent.destroy()
      assert.isFalse(server.listening)
      assert.deepStrictEqual(server.connections, { opened: 2, closed: 2, open: 0 })
      assert.isFalse(server.exchanges[1]!.aborted)
      const error = yield* Effect.flip(
        Effect.async<void, NodeJS.ErrnoException>((resume) => {
          const socket = Net.connect(server.port, "127.0.0.1", () => {
            socket.destroy()
            resume(Effect.void)
          })
          socket.on("error", (e) => resume(Effect.fail(e)))
        })
      )
      assert.strictEqual(error.code, "ECONNREFUSED")
    }))

  it.live("layer provides the FakeServer tag", () =>
    Effect.gen(function*() {
      const server = yield* FakeServer.FakeServer
      const response = yield* fetchE(`${server.url}${segmentsUrl(importId)}`)
      assert.strictEqual(response.status, 200)
      assert.strictEqual(server.api.requests.length, 1)
    }).pipe(Effect.provide(FakeServer.layer(make()))))

  it.live("start/close for non-Effect scripts; HTTP-date Retry-After from the clock option; CORS", () =>
    Effect.gen(function*() {
      const api = make({
        cors: true,
        faults: FaultPlan.scripted([{ index: 1, fault: FaultPlan.rateLimit(FaultPlan.retryAfterHttpDate(30)) }])
      })
      const server = yield* Effect.promise(() => FakeServer.start(api, { clock: () => Date.UTC(2024, 5, 1, 12, 0, 0) }))
      const preflight = yield* fetchE(`${server.url}${segmentsUrl(importId)}`, {
        method: "OPTIONS",
        headers: {
          origin: "http://localhost:5173",
          "access-control-request-method": "GET",
          "access-control-request-headers": "x-api-key"
        }
      })
      assert.strictEqual(preflight.status, 204)
      assert.strictEqual(preflight.headers.get("access-control-allow-origin"), "*")
      assert.include(preflight.headers.get("access-control-allow-headers"), "x-api-key")
      const limited = yield* fetchE(`${server.url}${segmentsUrl(importId)}`)
      assert.strictEqual(limited.status, 429)
      assert.strictEqual(limited.headers.get("retry-after"), "Sat, 01 Jun 2024 12:00:30 GMT")
      yield* textE(limited)
      yield* Effect.promise(() => server.close())
      assert.isFalse(server.listening)
      assert.strictEqual(server.connections.open, 0)
    }))
})
