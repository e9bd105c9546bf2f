/**
 * Adversarial inputs, found by trying to break the client: keys echoed back
 * in every shape, unusable options, resume after a loop, conflicting
 * spellings, odd error bodies, a key with a trailing newline, data that
 * contradicts the request. Each test pins the behaviour chosen for it.
 */
import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import * as TaxonomyError from "@effect-taxonomy/core/TaxonomyError"
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import {
  collect,
  exitOf,
  failureOf,
  IMPORT,
  json,
  KEY,
  renderings,
  type Reply,
  type Req,
  scripted,
  seg
} from "./advHarness.js"
import { recordingLogger } from "./recording.js"

const IMPORT_B = "32f8e031-c532-41bb-b25e-65bdb677a96f"
const page = (elements: Array<unknown>, pagination: Record<string, unknown> = {}) => json({ elements, pagination })
const codes = (xs: ReadonlyArray<{ code: string }>) => xs.map((s) => s.code)

/** Runs `segments(IMPORT)` against a handler, returns the typed failure. */
const failWith = (handler: (r: Req, n: number) => Reply, options = {}) =>
  Effect.map(exitOf(collect((c) => c.segments(IMPORT)), scripted(handler).client, options), failureOf)

const assertNoKeyFragment = (error: TaxonomyError.TaxonomyError, key: string, minLength = 12) => {
  for (const text of renderings(error)) {
    for (let i = 0; i + minLength <= key.length; i++) {
      assert.notInclude(text, key.slice(i, i + minLength), `${error._tag} leaks part of the key`)
    }
  }
}

describe("API key leaks", () => {
  const filler = (n: number) => "x".repeat(n)
  it.live("a 502 page echoing the key where the excerpt is cut keeps no fragment of it", () =>
    Effect.gen(function*() {
      const e = yield* failWith(() => ({ status: 502, body: `<html>${filler(174)}${KEY}</html>` }))
      assert.strictEqual(e._tag, "UnknownError")
      assertNoKeyFragment(e, KEY) // message contains `...xxx0f7d2c1e-5a4b-4c3d-…`
    }))
  it.live("a 429 body echoing the key where the excerpt is cut keeps no fragment of it", () =>
    Effect.gen(function*() {
      const e = yield* failWith(() => ({ status: 429, body: `${filler(180)}${KEY} more` }), {
        retry: { maxAttempts: 1 }
      })
      assertNoKeyFragment(e, KEY)
    }))
  it.live("a text 400 echoing the key where the excerpt is cut keeps no fragment of it", () =>
    Effect.gen(function*() {
      const e = yield* failWith(() => ({
        status: 400,
        headers: { "content-type": "text/plain" },
        body: `Invalid value for: header X-API-Key ${filler(150)}${KEY} trailing`
      }))
      assertNoKeyFragment(e, KEY, 10) // message ends `...xxx0f7d2c1e-5a4b…`
    }))
  it.live("a retried attempt logs no key fragment and no 'unhandled error'", () =>
    Effect.gen(function*() {
      const logger = recordingLogger()
      let n = 0
      const { client } = scripted(() =>
        ++n === 1 ? { status: 502, body: `<html>${filler(174)}${KEY}</html>` } : page([seg(1)])
      )
      yield* exitOf(collect((c) => c.segments(IMPORT)), client).pipe(Effect.provide(logger.layer))
      for (const line of logger.lines) assert.notInclude(line, KEY.slice(0, 12))
    }))
  it.live("a key with a quote and a backslash, echoed by the API, is scrubbed from every rendering", () =>
    Effect.gen(function*() {
      const key = "sk_live\"quoted\\back"
      const e = yield* failWith(() => json({ error: { InvalidAPIKey: { c: `bad key ${key}` } } }, 401), {
        apiKey: Redacted.make(key)
      })
      assert.strictEqual(e._tag, "InvalidAPIKey")
      for (const text of renderings(e)) assert.notInclude(text, key) // message: `The API key was rejected: bad key sk_live"quoted\back`
    }))
  it.live("a key with a tab (a JSON-escaped character), echoed in `c`, is scrubbed", () =>
    Effect.gen(function*() {
      const key = "tab\tkey-123456"
      const e = yield* failWith(() => json({ error: { InvalidAPIKey: { c: `bad key ${key}` } } }, 401), {
        apiKey: Redacted.make(key)
      })
      assert.notInclude(e.message, key)
    }))
  it.live("a key of any length is scrubbed", () =>
    Effect.gen(function*() {
      const e = yield* failWith(() => json({ error: { InvalidAPIKey: { c: "bad key abc1234" } } }, 401), {
        apiKey: Redacted.make("abc1234")
      })
      assert.notInclude(e.message, "abc1234")
    }))
  it.live("the key echoed in another letter case is scrubbed", () =>
    Effect.gen(function*() {
      const e = yield* failWith(() => json({ error: { InvalidAPIKey: { c: `bad key ${KEY.toUpperCase()}` } } }, 401))
      assert.notInclude(e.message.toLowerCase(), KEY)
    }))
  it.live("the key echoed in c, d, a documented message, a malformed 200 and a transport error is scrubbed", () =>
    Effect.gen(function*() {
      const bodies: Array<Reply> = [
        json({ error: { InvalidAPIKey: { c: `bad ${KEY}`, d: { key: KEY } } } }, 401),
        json({ request_id: "r", error: { status: "Unauthorized", code: 2000, message: `bad ${KEY}` } }, 401),
        page([seg(1, { updated_at: KEY })]),
        { status: 200, body: `<html>${filler(174)}${KEY}</html>` },
        { transport: Object.assign(new Error(`invalid header ${KEY}`), { code: "UND_ERR_X" }) }
      ]
      for (const reply of bodies) {
        const e = yield* failWith(() => reply, { retry: { maxAttempts: 1 } })
        for (const text of renderings(e)) assert.notInclude(text, KEY)
      }
    }))
})

describe("bad options give typed errors, not defects", () => {
  const okHandler = () => page([seg(1)])
  const duration = `must be a duration such as 30000 (millis) or "30 seconds", got "banana"`
  const cases: Array<[string, (c: TaxonomyClient["Type"]) => Stream.Stream<unknown, unknown>, string, string]> = [
    ["prefetch -1", (c) => c.segments(IMPORT, { prefetch: -1 }), "prefetch", "must be a whole number ≥ 0, got -1"],
    ["prefetch NaN", (c) => c.segments(IMPORT, { prefetch: NaN }), "prefetch", "must be a whole number ≥ 0, got NaN"],
    ["prefetch 1.5", (c) => c.segments(IMPORT, { prefetch: 1.5 }), "prefetch", "must be a whole number ≥ 0, got 1.5"],
    [
      "retry.maxAttempts 0",
      (c) => c.segments(IMPORT, { retry: { maxAttempts: 0 } }),
      "retry.maxAttempts",
      "must be a whole number ≥ 1, got 0"
    ],
    [
      "retry.maxAttempts Infinity",
      (c) => c.segments(IMPORT, { retry: { maxAttempts: Infinity } }),
      "retry.maxAttempts",
      "must be a whole number ≥ 1, got Infinity"
    ],
    [
      "requestTimeout 'banana'",
      (c) => c.segments(IMPORT, { requestTimeout: "banana" as never }),
      "requestTimeout",
      duration
    ],
    [
      "requestTimeout 0",
      (c) => c.segments(IMPORT, { requestTimeout: 0 }),
      "requestTimeout",
      "must be longer than zero, got 0"
    ],
    ["deadline 'banana'", (c) => c.segments(IMPORT, { deadline: "banana" as never }), "deadline", duration],
    [
      "retry.baseDelay -5",
      (c) => c.segments(IMPORT, { retry: { baseDelay: -5 } }),
      "retry.baseDelay",
      `must be a duration such as 30000 (millis) or "30 seconds", got -5`
    ],
    [
      "concurrency 0",
      (c) => c.segmentsOfImports([IMPORT], { concurrency: 0 }),
      "concurrency",
      "must be a whole number ≥ 1, got 0"
    ],
    [
      "from naming an import not in the list",
      (c) => c.segmentsOfImports([IMPORT], { from: { [IMPORT_B]: "T" } }),
      "from",
      `names import "${IMPORT_B}", which is not in the list of imports`
    ]
  ]
  for (const [label, stream, option, problem] of cases) {
    it.live(`${label}: InvalidOptions, before any request`, () =>
      Effect.gen(function*() {
        const { client, requests } = scripted(okHandler)
        const exit = yield* exitOf(Effect.flatMap(TaxonomyClient, (c) => Stream.runDrain(stream(c))), client)
        const e = failureOf(exit) as TaxonomyError.InvalidOptions
        assert.deepStrictEqual([e._tag, e.option, e.problem], ["InvalidOptions", option, problem])
        assert.isFalse(TaxonomyError.isTransient(e))
        assert.strictEqual(requests.length, 0)
      }))
  }
  it.live("retry.maxAttempts 0 on the layer: every operation fails with InvalidOptions, before any request", () =>
    Effect.gen(function*() {
      const { client, requests } = scripted(okHandler)
      const options = { retry: { maxAttempts: 0 } }
      const stream = failureOf(yield* exitOf(collect((c) => c.segments(IMPORT)), client, options))
      const one = failureOf(yield* exitOf(Effect.flatMap(TaxonomyClient, (c) => c.page(IMPORT)), client, options))
      for (const e of [stream, one]) {
        assert.strictEqual(
          e.message,
          "Invalid option retry.maxAttempts: must be a whole number ≥ 1, got 0. No request was sent; not retried: fix the option."
        )
      }
      assert.strictEqual(requests.length, 0)
    }))
  it.live("a base URL that is not absolute http(s) is InvalidOptions, before any request", () =>
    Effect.gen(function*() {
      for (const baseUrl of ["not-a-url", "ftp://example.com/api", "/api/taxonomy"]) {
        const { client, requests } = scripted(okHandler)
        const e = failureOf(
          yield* exitOf(collect((c) => c.segments(IMPORT)), client, { baseUrl })
        ) as TaxonomyError.InvalidOptions
        assert.deepStrictEqual([e._tag, e.option, e.problem], [
          "InvalidOptions",
          "baseUrl",
          `must be an absolute http:// or https:// URL, got ${JSON.stringify(baseUrl)}`
        ])
        assert.strictEqual(requests.length, 0)
      }
    }))
})

describe("resume never duplicates", () => {
  it.live("a PaginationLoop is not resumable: the guarded recipe emits every segment once, then fails", () =>
    Effect.gen(function*() {
      // page1 -> A, pageA -> B, pageB -> A (repeat two pages later)
      const { client, requests } = scripted((r) => {
        const k = r.token === null ? 0 : r.token === "A" ? 1 : 2
        return page([seg(k + 1)], { next_token: ["A", "B", "A"][k] })
      })
      const seen = yield* Ref.make<Array<string>>([])
      const exit = yield* exitOf(
        Effect.flatMap(TaxonomyClient, (c) =>
          c.segments(IMPORT).pipe(
            Stream.catchAll((e) =>
              TaxonomyError.isResumable(e) ? c.segments(IMPORT, { from: e.pageToken }) : Stream.fail(e)
            ),
            Stream.runForEach((s) => Ref.update(seen, (xs) => [...xs, s.code]))
          )),
        client
      )
      const loop = failureOf(exit)
      assert.strictEqual(loop._tag, "PaginationLoop")
      assert.isFalse(TaxonomyError.isResumable(loop))
      assert.deepStrictEqual(yield* Ref.get(seen), ["c1", "c2", "c3"])
      assert.strictEqual(requests.length, 3)
    }))
  for (const prefetch of [0, 1, 2, 3]) {
    it.live(`the README resume recipe after a 404 on page 3 yields each segment once (prefetch ${prefetch})`, () =>
      Effect.gen(function*() {
        let failed = false
        const { client } = scripted((r) => {
          const k = r.token === null ? 1 : Number(r.token.slice(1)) + 1
          if (k === 3 && !failed) {
            failed = true
            return json({}, 404)
          }
          return page([seg(2 * k - 1), seg(2 * k)], { next_token: k < 5 ? `t${k}` : null })
        })
        const out = yield* exitOf(
          collect((c) =>
            c.segments(IMPORT, { prefetch }).pipe(
              Stream.catchAll((e) => c.segments(IMPORT, { from: e.pageToken, prefetch }))
            )
          ),
          client
        )
        assert.isTrue(Exit.isSuccess(out))
        if (Exit.isSuccess(out)) {
          assert.deepStrictEqual(
            codes(out.value),
            Array.from({ length: 10 }, (_, i) => `c${i + 1}`)
          )
        }
      }))
  }
  it.live("segmentsOfImports finds `from` by import id in any letter case", () =>
    Effect.gen(function*() {
      const { client, requests } = scripted((r) => page([seg(r.token === null ? 1 : 2)]))
      yield* exitOf(
        collect((c) =>
          c.segmentsOfImports([IMPORT, IMPORT.toUpperCase()], { from: { [IMPORT.toUpperCase()]: "RESUME" } })
        ),
        client
      )
      assert.deepStrictEqual(requests.map((r) => r.token), ["RESUME"]) // actual: [null] (restarts at page 1)
    }))
})

describe("pagination tokens", () => {
  it.live(`next_token "" beside nextToken { value: "X" } follows X, as next_token null does`, () =>
    Effect.gen(function*() {
      const run = (first: unknown) => {
        const { client, requests } = scripted((_, n) =>
          page([seg(n)], n === 1 ? { next_token: first, nextToken: { value: "X" } } : {})
        )
        return Effect.map(exitOf(collect((c) => c.segments(IMPORT)), client), () => requests.length)
      }
      assert.strictEqual(yield* run(null), 2)
      assert.strictEqual(yield* run(""), 2) // actual: 1 -> the page at X is silently never fetched
    }))
  it.live(`"", null, absent, { value: null } and { value: "" } all end the stream after one request`, () =>
    Effect.gen(function*() {
      for (
        const pagination of [{ next_token: "" }, { next_token: null }, {}, { nextToken: { value: null } }, {
          nextToken: { value: "" }
        }]
      ) {
        const { client, requests } = scripted(() => page([seg(1)], pagination))
        const exit = yield* exitOf(collect((c) => c.segments(IMPORT)), client)
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(requests.length, 1)
      }
    }))
  it.live("+ / = and unicode tokens reach the server byte for byte; a repeat two pages later is caught", () =>
    Effect.gen(function*() {
      const tokens = ["a+b/c=", "ü😀", "a&b=c#d%20"]
      const { client, requests } = scripted((_, n) => page([seg(n)], { next_token: tokens[n - 1] }))
      yield* exitOf(collect((c) => c.segments(IMPORT)), client)
      assert.deepStrictEqual(requests.map((r) => r.token), [null, ...tokens])
      const loop = yield* failWith((_, n) => page([seg(n)], { next_token: ["A", "B", "A"][n - 1] }))
      assert.strictEqual(loop._tag, "PaginationLoop")
    }))
})

describe("error fields and messages", () => {
  it.live("MalformedResponse keeps the request id the 200 body carried", () =>
    Effect.gen(function*() {
      const e = yield* failWith(() => json({ request_id: "req-123", error: { DoesNotExist: {} } }))
      assert.strictEqual(e._tag, "MalformedResponse")
      assert.strictEqual((e as TaxonomyError.MalformedResponse).requestId, "req-123") // actual: undefined
    }))
  it.live("a body that is not a page gets a short problem: what was expected there, and what came", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [unknown, string, string]> = [
        [[], "(root)", `Expected a page: an object with "elements" and "pagination", got an array of 0`],
        [null, "(root)", `Expected a page: an object with "elements" and "pagination", got null`],
        [5, "(root)", `Expected a page: an object with "elements" and "pagination", got number 5`],
        ["str", "(root)", `Expected a page: an object with "elements" and "pagination", got the string "str"`],
        [{ elements: [null], pagination: {} }, "elements[0]", "Expected a segment object, got null"],
        [{ elements: {}, pagination: {} }, "elements", "Expected an array of segments, or null, got an object"],
        [
          { elements: [], pagination: null },
          "pagination",
          "Expected a pagination object (next_token, total_count), got null"
        ]
      ]
      for (const [body, path, problem] of cases) {
        const e = (yield* failWith(() => json(body))) as TaxonomyError.MalformedResponse
        assert.strictEqual(e._tag, "MalformedResponse")
        assert.deepStrictEqual([e.path, e.problem], [path, problem], JSON.stringify(body))
      }
    }))
  it.live("a token or count of neither spelling is named with both spellings", () =>
    Effect.gen(function*() {
      const m = (yield* failWith(() =>
        page([seg(1)], { total_count: { value: -1 } })
      )) as TaxonomyError.MalformedResponse
      assert.deepStrictEqual([m.path, m.problem], [
        "pagination.total_count",
        `Expected a count: a whole number ≥ 0, { "value": <whole number ≥ 0 or null> }, or null, got {"value":-1}`
      ])
      const t = (yield* failWith(() => page([seg(1)], { next_token: { value: 5 } }))) as TaxonomyError.MalformedResponse
      assert.deepStrictEqual([t.path, t.problem], [
        "pagination.next_token",
        `Expected a token: a string, { "value": <string or null> }, or null, got {"value":5}`
      ])
    }))
  it.live("a 503 asking for 120 s (over maxRetryAfter) fails at once, and its message says so", () =>
    Effect.gen(function*() {
      const e = yield* failWith(() => ({ status: 503, headers: { "retry-after": "120" }, body: "" }))
      assert.strictEqual(e._tag, "UnknownError")
      assert.strictEqual((e as TaxonomyError.UnknownError).retryAfterMillis, 120_000)
      assert.strictEqual(
        e.message,
        `The API reported an error the client does not know (body: "") [HTTP 503; import ${IMPORT}, first page, ` +
          "0 segments emitted before it]. Report it to Permutive support with this message if it persists. " +
          "Transient: retried with backoff; if it persists, resume later from pageToken. The server asked to wait " +
          "120s (Retry-After); a wait beyond the retry policy's maxRetryAfter is not slept on."
      )
    }))
  it.live("a 502 gateway page is transient and says so", () =>
    Effect.gen(function*() {
      const e = yield* failWith(() => ({
        status: 502,
        headers: { "content-type": "text/html" },
        body: "<html>Bad gateway</html>"
      }))
      assert.isTrue(TaxonomyError.isTransient(e))
      assert.strictEqual(
        e.message,
        `The API reported an error the client does not know (body: "<html>Bad gateway</html>") [HTTP 502; ` +
          `import ${IMPORT}, first page, 0 segments emitted before it]. Report it to Permutive support with this ` +
          "message if it persists. Transient: retried with backoff; if it persists, resume later from pageToken."
      )
    }))
  it.live("a 3xx redirect says to point baseUrl where it leads, and is not retried", () =>
    Effect.gen(function*() {
      const e = yield* failWith(() => ({ status: 301, headers: { location: "https://t.local/x" }, body: "" }))
      assert.strictEqual(e._tag, "UnknownError")
      assert.isFalse(TaxonomyError.isTransient(e))
      assert.strictEqual(
        e.message,
        `The API reported an error the client does not know (body: "") [HTTP 301; import ${IMPORT}, first page, ` +
          "0 segments emitted before it]. The API answered with a redirect, which the client does not follow: " +
          "set baseUrl to where it points. Not transient: retrying will not help."
      )
    }))
  it.live("an unreadable Retry-After ('Retry 3000') is ignored: the 429 is retried on the backoff", () =>
    Effect.gen(function*() {
      let n = 0
      const { client, requests } = scripted(() =>
        ++n === 1 ? json({}, 429, { "retry-after": "Retry 3000" }) : page([seg(1)])
      )
      const exit = yield* exitOf(collect((c) => c.segments(IMPORT)), client)
      assert.isTrue(Exit.isSuccess(exit), "expected the garbage header to be ignored and the 429 retried")
      assert.strictEqual(requests.length, 2)
    }))
  it.live("a variant whose payload is a string, or an error that is a variant's name, is that variant", () =>
    Effect.gen(function*() {
      const gone = (yield* failWith(() =>
        json({ error: { DoesNotExist: "import gone" } }, 400)
      )) as TaxonomyError.ApiError
      assert.deepStrictEqual([gone._tag, gone.causeText], ["DoesNotExist", "import gone"])
      const named = yield* failWith(() => json({ error: "InvalidAPIKey" }, 403))
      assert.strictEqual(named._tag, "InvalidAPIKey")
      const text = (yield* failWith(() => json({ error: "quota exhausted" }, 403))) as TaxonomyError.ApiError
      assert.deepStrictEqual([text._tag, text.causeText, text.bodyExcerpt], [
        "AuthorizationFailed",
        "quota exhausted",
        undefined
      ])
    }))
  it.live("odd error envelopes still give typed, tagged errors", () =>
    Effect.gen(function*() {
      const cases: Array<[Reply, string]> = [
        [json({ error: null }, 404), "DoesNotExist"],
        [json([1, 2], 404), "DoesNotExist"],
        [json("str", 403), "AuthorizationFailed"],
        [json({ error: { DoesNotExist: {}, InvalidAPIKey: {} } }, 400), "DoesNotExist"],
        [
          json({ requestId: "r1", error: { UnknownError: { s: { code: 418 }, co: 7, m: "teapot" } } }, 418),
          "UnknownError"
        ],
        [
          {
            status: 400,
            headers: { "content-type": "text/plain" },
            body: "Invalid value for: path parameter importId"
          },
          "InvalidParameters"
        ],
        [{ status: 204, body: null }, "MalformedResponse"],
        [{ status: 200, headers: { "content-type": "text/html" }, body: "<html/>" }, "MalformedResponse"]
      ]
      for (const [reply, tag] of cases) {
        const e = yield* failWith(() => reply, { retry: { maxAttempts: 1 } })
        assert.strictEqual(e._tag, tag)
      }
    }))
})

describe("transport configuration", () => {
  it.live("a key with a trailing newline (a k8s secret, an env file) is sent trimmed: the export succeeds", () =>
    Effect.gen(function*() {
      const seed = SeedData.generateImport({ seed: 1, count: 5 })
      const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 10, apiKey: KEY })
      const server = yield* FakeServer.make(api)
      const logger = recordingLogger()
      const exit = yield* Effect.exit(
        Effect.flatMap(TaxonomyClient, (c) => Stream.runCount(c.segments(seed.importId))).pipe(
          Effect.provide(
            NodeTaxonomyClient.layer({
              baseUrl: server.url,
              apiKey: Redacted.make(`${KEY}\n`),
              retry: { baseDelay: "1 millis", maxDelay: "2 millis" }
            })
          ),
          Effect.provide(logger.layer)
        )
      )
      assert.deepStrictEqual(exit, Exit.succeed(5))
      assert.strictEqual(api.requests.length, 1)
      assert.isFalse(logger.lines.some((l) => l.includes("retrying after")))
    }).pipe(Effect.scoped))

  it.live("a key with a line break inside is InvalidOptions, before any request, without the key", () =>
    Effect.gen(function*() {
      const { client, requests } = scripted(() => page([seg(1)]))
      const e = failureOf(
        yield* exitOf(collect((c) => c.segments(IMPORT)), client, { apiKey: Redacted.make(`${KEY}\nx`) })
      )
      assert.strictEqual(e._tag, "InvalidOptions")
      assert.strictEqual(
        e.message,
        "Invalid option apiKey: contains a space, a control character or a non-ASCII character " +
          "(no header can carry it). No request was sent; not retried: fix the option."
      )
      assert.strictEqual(requests.length, 0)
    }))
})

describe("data the client passes through unchecked", () => {
  it.live("a page that starts with the same segment as an earlier one (a server starting over) is a PaginationLoop", () =>
    Effect.gen(function*() {
      const { client, requests } = scripted((_, n) => page([seg(n === 3 ? 1 : n)], { next_token: `t${n}` }))
      const seen = yield* Ref.make<Array<string>>([])
      const exit = yield* exitOf(
        Effect.flatMap(
          TaxonomyClient,
          (c) =>
            Stream.runForEach(c.segments(IMPORT, { prefetch: 0 }), (s) => Ref.update(seen, (xs) => [...xs, s.code]))
        ),
        client
      )
      const e = failureOf(exit) as TaxonomyError.PaginationLoop
      assert.deepStrictEqual(yield* Ref.get(seen), ["c1", "c2"])
      assert.strictEqual(requests.length, 3)
      assert.deepStrictEqual([e._tag, e.repeatedToken, e.repeatedSegmentId, e.segmentsEmitted, e.pageToken], [
        "PaginationLoop",
        "t2",
        seg(1).id,
        2,
        "t2"
      ])
      assert.isFalse(TaxonomyError.isResumable(e))
    }))
  it.live("a page that starts with an earlier page's first segment in other letters is a PaginationLoop too", () =>
    Effect.gen(function*() {
      const again = { ...seg(1), id: seg(1).id.toUpperCase() }
      const { client } = scripted((_, n) => page([n === 2 ? again : seg(n)], { next_token: `t${n}` }))
      const exit = yield* exitOf(collect((c) => c.segments(IMPORT, { prefetch: 0 })), client)
      const e = failureOf(exit) as TaxonomyError.PaginationLoop
      assert.deepStrictEqual([e._tag, e.repeatedSegmentId, e.segmentsEmitted, e.pageToken], [
        "PaginationLoop",
        seg(1).id.toUpperCase(),
        1,
        "t1"
      ])
    }))
  it.live("a segment of another import than the one requested is MalformedResponse, naming both", () =>
    Effect.gen(function*() {
      const exit = yield* exitOf(
        collect((c) => c.segmentsOfImports([IMPORT])),
        scripted(() => page([seg(1), seg(2, { import_id: IMPORT_B })])).client
      )
      const e = failureOf(exit) as TaxonomyError.MalformedResponse
      assert.deepStrictEqual([e._tag, e.path, e.problem], [
        "MalformedResponse",
        "elements[1].import_id",
        `the segment belongs to import ${IMPORT_B}, not to ${IMPORT}`
      ])
    }))
  it.live("a segment id twice on one page (in any letter case) is MalformedResponse; the pages before it are streamed", () =>
    Effect.gen(function*() {
      const twice = { ...seg(3), id: seg(2).id.toUpperCase(), code: "c3" }
      const { client, requests } = scripted((_, n) =>
        n === 1 ? page([seg(1)], { next_token: "t1" }) : page([seg(2), twice, seg(4)], { next_token: "t2" })
      )
      const seen = yield* Ref.make<Array<string>>([])
      const exit = yield* exitOf(
        Effect.flatMap(
          TaxonomyClient,
          (c) => Stream.runForEach(c.segments(IMPORT), (s) => Ref.update(seen, (xs) => [...xs, s.code]))
        ),
        client
      )
      const e = failureOf(exit) as TaxonomyError.MalformedResponse
      assert.deepStrictEqual(yield* Ref.get(seen), ["c1"])
      // the third was prefetched while the second page was decoded
      assert.strictEqual(requests.length, 3)
      assert.deepStrictEqual([e._tag, e.path, e.problem, e.segmentsEmitted, e.pageToken], [
        "MalformedResponse",
        "elements[1].id",
        `segment ${seg(2).id.toUpperCase()} is already elements[0] of this page`,
        1,
        "t1"
      ])
      assert.isFalse(TaxonomyError.isTransient(e))
    }))
  it.live("total_count { value: null } is no count; a count that is not a whole number ≥ 0 is MalformedResponse", () =>
    Effect.gen(function*() {
      const ok = yield* exitOf(
        collect((c) => c.pages(IMPORT)),
        scripted(() => page([seg(1)], { total_count: { value: null } })).client
      )
      assert.isTrue(Exit.isSuccess(ok) && ok.value.length === 1 && ok.value[0]!.totalCount._tag === "None")
      for (
        const [total_count, got] of [[-1, "number -1"], [2.5, "number 2.5"], [
          1e20,
          "number 100000000000000000000"
        ]] as const
      ) {
        const e = (yield* failWith(() => page([seg(1)], { total_count }))) as TaxonomyError.MalformedResponse
        assert.strictEqual(e._tag, "MalformedResponse")
        assert.strictEqual(e.path, "pagination.total_count")
        assert.strictEqual(
          e.problem,
          `Expected a count: a whole number ≥ 0, { "value": <whole number ≥ 0 or null> }, or null, got ${got}`
        )
      }
    }))
})

describe("wire format edge cases that behave correctly", () => {
  it.live("timestamps: every accepted and rejected form", () =>
    Effect.gen(function*() {
      const good = [
        "2023-04-12T11:27:00.716632+00:00",
        "2024-02-29T00:00:00Z",
        "2023-04-12t11:27:00z",
        "2023-04-12T11:27:00.123456789Z",
        "0000-01-01T00:30:00+00:30",
        "9999-12-31T23:59:59.999999Z"
      ]
      const bad = [
        // UTC years 0000 - 9999 only: these are -0001 and 10000 in UTC, and could not be written back
        "0000-01-01T00:30:00+01:00",
        "9999-12-31T23:59:59-23:59",
        "2023-02-29T00:00:00Z",
        "2023-02-30T00:00:00Z",
        "2023-04-12T24:00:00Z",
        "2023-04-12T11:27Z",
        "2023-04-12T11:27:00.1234567891Z",
        "2023-04-12T11:27:00"
      ]
      for (const t of good) {
        const exit = yield* exitOf(
          collect((c) => c.segments(IMPORT)),
          scripted(() => page([seg(1, { updated_at: t })])).client
        )
        assert.isTrue(Exit.isSuccess(exit), t)
      }
      for (const t of bad) {
        const e = yield* failWith(() => page([seg(1, { updated_at: t })]))
        assert.strictEqual(e._tag, "MalformedResponse", t)
        assert.strictEqual((e as TaxonomyError.MalformedResponse).path, "elements[0].updated_at")
      }
    }))
  it.live("mixed spellings, extra fields, elements null or missing, upper-case ids, huge cpm", () =>
    Effect.gen(function*() {
      const body = {
        elements: [
          seg(1, {
            import_id: undefined,
            importId: IMPORT,
            updated_at: undefined,
            updatedAt: "2023-04-12T11:27:00Z",
            extra: 1
          }),
          seg(2, { id: "1B890475-1482-496D-BCFD-6B2F5564B249", cpm: 1e308, categories: null })
        ],
        pagination: { nextToken: "abc", totalCount: { value: 2 }, foo: 1 },
        more: true
      }
      const { client } = scripted((_, n) => n === 1 ? json(body) : json({ pagination: {} }))
      const exit = yield* exitOf(collect((c) => c.segments(IMPORT)), client)
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.length, 2)
    }))
  it.live("bad ids and tokens send nothing", () =>
    Effect.gen(function*() {
      for (const id of [` ${IMPORT}`, `{${IMPORT}}`, "", `${IMPORT}\n`]) {
        const { client, requests } = scripted(() => page([seg(1)]))
        const f = failureOf(yield* exitOf(collect((c) => c.segments(id)), client))
        assert.strictEqual(f._tag, "InvalidImportId")
        assert.strictEqual(requests.length, 0)
      }
      const { client, requests } = scripted(() => page([seg(1)]))
      const f = failureOf(yield* exitOf(collect((c) => c.segmentsOfImports([IMPORT, "nope"])), client))
      assert.strictEqual(f._tag, "InvalidImportId")
      const g = failureOf(yield* exitOf(collect((c) => c.segments(IMPORT, { from: "" })), client))
      assert.strictEqual(g._tag, "InvalidPageToken")
      assert.strictEqual(requests.length, 0)
      const empty = yield* exitOf(collect((c) => c.segmentsOfImports([])), client)
      assert.isTrue(Exit.isSuccess(empty))
    }))
  it.live("take(1) interrupts a slow prefetched request promptly", () =>
    Effect.gen(function*() {
      const { client } = scripted((r) => ({
        ...page([seg(1), seg(2)], { next_token: `t${r.token ?? 0}1` }),
        delayMillis: r.token === null ? 0 : 10_000
      }))
      const start = Date.now()
      const exit = yield* exitOf(
        Effect.flatMap(TaxonomyClient, (c) =>
          Stream.runCollect(c.segments(IMPORT, { prefetch: 3 }).pipe(Stream.take(1)))),
        client
      )
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) {
        assert.strictEqual(Chunk.size(exit.value), 1)
      }
      assert.isBelow(Date.now() - start, 1000)
    }))
})
