import { ImportId, Segment, SegmentId } from "@effect-taxonomy/core/Segment"
import * as SegmentExport from "@effect-taxonomy/node/SegmentExport"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import * as TaxonomyClientTest from "@effect-taxonomy/testing/TaxonomyClientTest"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import { PassThrough, Writable } from "node:stream"

const importId = ImportId.make("9f87bd3e-32eb-4d15-8e85-17fb275fa809")
const segments = [
  new Segment({
    id: SegmentId.make("1b890475-1482-496d-bcfd-6b2f5564b249"),
    code: "1234",
    name: "Segment Name",
    importId,
    description: Option.some("segment description"),
    cpm: Option.some(2),
    categories: ["category_1"],
    updatedAt: DateTime.unsafeMake(Date.UTC(2023, 3, 12, 11, 27, 0, 716)),
    updatedAtMicros: 632
  }),
  new Segment({
    id: SegmentId.make("2c890475-1482-496d-bcfd-6b2f5564b250"),
    code: "A,B",
    name: "Quotes \"and\" commas, and\nnewlines",
    importId,
    description: Option.none(),
    cpm: Option.some(1.75),
    categories: ["a", "b"],
    updatedAt: DateTime.unsafeMake(Date.UTC(2024, 0, 1)),
    updatedAtMicros: 5
  }),
  new Segment({
    id: SegmentId.make("3d890475-1482-496d-bcfd-6b2f5564b251"),
    code: "9",
    name: "Plain",
    importId,
    description: Option.none(),
    cpm: Option.none(),
    categories: [],
    updatedAt: DateTime.unsafeMake(Date.UTC(2024, 0, 2)),
    updatedAtMicros: 0
  })
]

const exportTo = (
  format: SegmentExport.Format,
  data: ReadonlyArray<Segment> = segments,
  options: Partial<SegmentExport.Options> = {}
) =>
  Effect.gen(function*() {
    const output = new PassThrough()
    const chunks: Array<Buffer> = []
    output.on("data", (chunk: Buffer) => chunks.push(chunk))
    const summary = yield* SegmentExport.run({ importId, output, format, ...options })
    return { summary, text: Buffer.concat(chunks).toString("utf8") }
  }).pipe(Effect.provide(TaxonomyClientTest.layer({ segments: { [importId]: data }, pageSize: 2 })))

/** The segments as the JSON array's elements. */
const jsonElements = segments.map((s) => JSON.stringify(JSON.parse(SegmentExport.ndjsonLine(s))))

describe("SegmentExport", () => {
  it.live("writes NDJSON in the API's primary wire form, one line per segment", () =>
    Effect.gen(function*() {
      const { summary, text } = yield* exportTo("ndjson")
      assert.strictEqual(
        text,
        "{\"id\":\"1b890475-1482-496d-bcfd-6b2f5564b249\",\"code\":\"1234\",\"name\":\"Segment Name\",\"import_id\":\"9f87bd3e-32eb-4d15-8e85-17fb275fa809\",\"description\":\"segment description\",\"cpm\":2,\"categories\":[\"category_1\"],\"updated_at\":\"2023-04-12T11:27:00.716632Z\"}\n" +
          "{\"id\":\"2c890475-1482-496d-bcfd-6b2f5564b250\",\"code\":\"A,B\",\"name\":\"Quotes \\\"and\\\" commas, and\\nnewlines\",\"import_id\":\"9f87bd3e-32eb-4d15-8e85-17fb275fa809\",\"description\":null,\"cpm\":1.75,\"categories\":[\"a\",\"b\"],\"updated_at\":\"2024-01-01T00:00:00.000005Z\"}\n" +
          "{\"id\":\"3d890475-1482-496d-bcfd-6b2f5564b251\",\"code\":\"9\",\"name\":\"Plain\",\"import_id\":\"9f87bd3e-32eb-4d15-8e85-17fb275fa809\",\"description\":null,\"cpm\":null,\"categories\":[],\"updated_at\":\"2024-01-02T00:00:00.000000Z\"}\n"
      )
      assert.strictEqual(summary.segments, 3)
      assert.strictEqual(summary.pages, 2)
      assert.strictEqual(summary.totalCount, 3)
      assert.strictEqual(summary.matchesTotal, true)
      assert.strictEqual(summary.nextToken, undefined)
    }))

  it.live("writes CSV with a header row and RFC 4180 quoting; categories joined with ;", () =>
    Effect.gen(function*() {
      const { text } = yield* exportTo("csv")
      assert.strictEqual(
        text,
        "id,code,name,import_id,description,cpm,categories,updated_at\r\n" +
          "1b890475-1482-496d-bcfd-6b2f5564b249,1234,Segment Name,9f87bd3e-32eb-4d15-8e85-17fb275fa809,segment description,2,category_1,2023-04-12T11:27:00.716632Z\r\n" +
          "2c890475-1482-496d-bcfd-6b2f5564b250,\"A,B\",\"Quotes \"\"and\"\" commas, and\nnewlines\",9f87bd3e-32eb-4d15-8e85-17fb275fa809,,1.75,a;b,2024-01-01T00:00:00.000005Z\r\n" +
          "3d890475-1482-496d-bcfd-6b2f5564b251,9,Plain,9f87bd3e-32eb-4d15-8e85-17fb275fa809,,,,2024-01-02T00:00:00.000000Z\r\n"
      )
    }))

  it.live("writes a JSON array that parses back to the NDJSON objects", () =>
    Effect.gen(function*() {
      const json = yield* exportTo("json")
      const ndjson = yield* exportTo("ndjson")
      assert.deepStrictEqual(JSON.parse(json.text), ndjson.text.trim().split("\n").map((l) => JSON.parse(l)))
      assert.isTrue(json.text.startsWith("[\n{\"id\""))
      assert.isTrue(json.text.endsWith("}\n]\n"))
    }))

  it.live("writes valid empty documents for an empty import", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* exportTo("json", [])).text, "[]\n")
      assert.strictEqual(
        (yield* exportTo("csv", [])).text,
        "id,code,name,import_id,description,cpm,categories,updated_at\r\n"
      )
      assert.strictEqual((yield* exportTo("ndjson", [])).text, "")
    }))

  it.live("fails with OutputError saying how many segments were written when the output breaks", () =>
    Effect.gen(function*() {
      let writes = 0
      const output = new Writable({
        write(_chunk, _encoding, callback) {
          writes++
          callback(writes === 2 ? new Error("EPIPE: broken pipe") : null)
        }
      })
      const error = yield* Effect.flip(SegmentExport.run({ importId, output }))
      assert(error._tag === "OutputError")
      assert.strictEqual(error.message, "Could not write the output: EPIPE: broken pipe (2 segments written before).")
      assert.strictEqual(error.code, undefined)
    }).pipe(Effect.provide(TaxonomyClientTest.layer({ segments: { [importId]: segments }, pageSize: 2 }))))

  it.live("an OutputError carries the system error's code", () =>
    Effect.gen(function*() {
      const output = new Writable({
        write(_chunk, _encoding, callback) {
          callback(Object.assign(new Error("write EPIPE"), { code: "EPIPE", errno: -32, syscall: "write" }))
        }
      })
      const error = yield* Effect.flip(SegmentExport.run({ importId, output }))
      assert(error._tag === "OutputError")
      assert.deepStrictEqual(
        { tag: error._tag, code: error.code, message: error.message },
        {
          tag: "OutputError",
          code: "EPIPE",
          message: "Could not write the output: write EPIPE (0 segments written before)."
        }
      )
    }).pipe(Effect.provide(TaxonomyClientTest.layer({ segments: { [importId]: segments }, pageSize: 2 }))))

  it.live("fails with OutputError when the output reports an error after a write it had room for", () =>
    Effect.gen(function*() {
      // a file on a full disk: every write is taken at once, and fails a moment later
      const output = new Writable({
        highWaterMark: 1 << 20,
        write(_chunk, _encoding, callback) {
          setTimeout(() => callback(Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" })), 5)
        }
      })
      const error = yield* Effect.flip(SegmentExport.run({ importId, output, format: "csv" }))
      assert(error._tag === "OutputError")
      assert.deepStrictEqual({ code: error.code, message: error.message }, {
        code: "ENOSPC",
        message: "Could not write the output: ENOSPC: no space left on device (0 segments written before)."
      })
    }).pipe(Effect.provide(TaxonomyClientTest.layer({ segments: { [importId]: segments }, pageSize: 2 }))))

  it.live("writes no CSV header with header: false", () =>
    Effect.gen(function*() {
      const { text } = yield* exportTo("csv", segments, { header: false })
      assert.strictEqual(text, segments.map(SegmentExport.csvRow).join(""))
      assert.strictEqual((yield* exportTo("csv", [], { header: false })).text, "")
    }))

  it.live("continues a JSON array: no [, a comma after earlier elements, closed", () =>
    Effect.gen(function*() {
      assert.strictEqual(
        (yield* exportTo("json", segments, { continueArray: { hasElements: true } })).text,
        `,\n${jsonElements.join(",\n")}\n]\n`
      )
      assert.strictEqual(
        (yield* exportTo("json", segments, { continueArray: { hasElements: false } })).text,
        `\n${jsonElements.join(",\n")}\n]\n`
      )
      assert.strictEqual((yield* exportTo("json", [], { continueArray: { hasElements: true } })).text, "\n]\n")
      assert.strictEqual((yield* exportTo("json", [], { continueArray: { hasElements: false } })).text, "]\n")
      // "[" + the part without elements + the rest: the whole array
      const first = (yield* exportTo("json", segments.slice(0, 1))).text.replace(/\n\]\n$/, "")
      const rest = (yield* exportTo("json", segments.slice(1), { continueArray: { hasElements: true } })).text
      assert.strictEqual(first + rest, (yield* exportTo("json")).text)
    }))

  describe("a JSON export that fails after the first page", () => {
    const failing = (continueArray?: { readonly hasElements: boolean }) =>
      Effect.gen(function*() {
        const output = new PassThrough()
        const chunks: Array<Buffer> = []
        output.on("data", (chunk: Buffer) => chunks.push(chunk))
        const error = yield* Effect.flip(SegmentExport.run({ importId, output, format: "json", continueArray }))
        return { error, text: Buffer.concat(chunks).toString("utf8") }
      }).pipe(Effect.provide(TaxonomyClientTest.layer({
        segments: { [importId]: segments },
        pageSize: 2,
        faults: FaultPlan.scripted([{ page: 2, fault: FaultPlan.serverError({ status: 503 }) }]),
        client: { retry: { maxAttempts: 1 } }
      })))

    it.live("closes the array it began: the output is a valid array of the segments written", () =>
      Effect.gen(function*() {
        const { error, text } = yield* failing()
        assert.strictEqual(error._tag, "UnknownError")
        assert.strictEqual(text, `[\n${jsonElements.slice(0, 2).join(",\n")}\n]\n`)
      }))

    it.live("closes an array it continued", () =>
      Effect.gen(function*() {
        assert.strictEqual(
          (yield* failing({ hasElements: true })).text,
          `,\n${jsonElements.slice(0, 2).join(",\n")}\n]\n`
        )
      }))

    it.live("writes nothing when it fails before the first page", () =>
      Effect.gen(function*() {
        const output = new PassThrough()
        const chunks: Array<Buffer> = []
        output.on("data", (chunk: Buffer) => chunks.push(chunk))
        yield* Effect.flip(SegmentExport.run({ importId, output, format: "json" })).pipe(
          Effect.provide(TaxonomyClientTest.layer({
            segments: { [importId]: segments },
            faults: FaultPlan.always(FaultPlan.serverError({ status: 503 })),
            client: { retry: { maxAttempts: 1 } }
          }))
        )
        assert.strictEqual(Buffer.concat(chunks).toString("utf8"), "")
      }))

    it.live("does not write to an output that failed", () =>
      Effect.gen(function*() {
        const written: Array<string> = []
        const output = new Writable({
          write(chunk: Buffer, _encoding, callback) {
            written.push(chunk.toString("utf8"))
            callback(written.length === 2 ? new Error("EPIPE: broken pipe") : null)
          }
        })
        const error = yield* Effect.flip(SegmentExport.run({ importId, output, format: "json" }))
        assert.strictEqual(error._tag, "OutputError")
        assert.strictEqual(written.length, 2)
      }).pipe(Effect.provide(TaxonomyClientTest.layer({ segments: { [importId]: segments }, pageSize: 2 }))))
  })

  describe("an interrupted export", () => {
    /** Three segments over two pages, the second coming in a minute; or with `delayed: false`, at once. */
    const fakeApi = (delayed = true) =>
      FakeTaxonomyApi.make({
        imports: TaxonomyClientTest.importsFromSegments({ [importId]: segments }),
        pageSize: 2,
        apiKey: TaxonomyClientTest.apiKey,
        faults: delayed ? FaultPlan.scripted([{ page: 2, fault: FaultPlan.slow(60_000) }]) : FaultPlan.none
      })

    /** An output that records its writes; the callback of write number `stallAt` waits for `release`. */
    const recording = (stallAt?: number) => {
      const chunks: Array<string> = []
      let release = () => {}
      const output = new Writable({
        highWaterMark: 1,
        write(chunk: Buffer, _encoding, callback) {
          chunks.push(chunk.toString("utf8"))
          if (chunks.length === stallAt) release = () => callback()
          else callback()
        }
      })
      return { output, chunks, release: () => release() }
    }

    /** Forks an export, and interrupts it once `pages` pages were reported. */
    const interruptAfter = (
      pages: number,
      options: Omit<SegmentExport.Options, "importId">,
      beforeJoin: Effect.Effect<void> = Effect.void
    ) =>
      Effect.gen(function*() {
        const reported: Array<SegmentExport.Progress> = []
        const reached = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(SegmentExport.run({
          importId,
          ...options,
          onProgress: (p) =>
            Effect.zipRight(
              Effect.sync(() => reported.push(p)),
              p.pages === pages ? Deferred.succeed(reached, void 0) : Effect.void
            )
        }))
        yield* Deferred.await(reached)
        const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
        yield* beforeJoin
        const exit = yield* Fiber.join(interrupting)
        return { exit, reported }
      })

    it.live("closes a JSON array while it waits for a page; its last progress is what was written", () => {
      const api = fakeApi()
      return Effect.gen(function*() {
        const { chunks, output } = recording()
        const { exit, reported } = yield* interruptAfter(1, { output, format: "json" })
        assert.isTrue(Exit.isInterrupted(exit))
        assert.strictEqual(chunks.join(""), `[\n${jsonElements.slice(0, 2).join(",\n")}\n]\n`)
        assert.deepStrictEqual(JSON.parse(chunks.join("")).length, reported.at(-1)!.segments)
        assert.deepStrictEqual(
          reported.map((p) => [p.pages, p.segments, p.nextToken]),
          [[1, 2, api.tokenFor(importId, 2)]]
        )
      }).pipe(Effect.provide(TaxonomyClientTest.layerFromApi(api)))
    })

    it.live("keeps a page handed to an output that is still busy with it, and has reported it", () => {
      const api = fakeApi(false)
      return Effect.gen(function*() {
        // the second page's write is held back: the export waits for the output when it is interrupted
        const { chunks, output, release } = recording(2)
        const { exit, reported } = yield* interruptAfter(2, { output, format: "json" }, Effect.sync(release))
        assert.isTrue(Exit.isInterrupted(exit))
        assert.strictEqual(chunks.join(""), `[\n${jsonElements.join(",\n")}\n]\n`)
        assert.deepStrictEqual(reported.map((p) => [p.pages, p.segments]), [[1, 2], [2, 3]])
      }).pipe(Effect.provide(TaxonomyClientTest.layerFromApi(api)))
    })

    it.live("in NDJSON, leaves whole lines of the pages reported", () => {
      const api = fakeApi()
      return Effect.gen(function*() {
        const { chunks, output } = recording()
        const { exit, reported } = yield* interruptAfter(1, { output })
        assert.isTrue(Exit.isInterrupted(exit))
        assert.strictEqual(chunks.join(""), segments.slice(0, 2).map(SegmentExport.ndjsonLine).join(""))
        assert.strictEqual(reported.at(-1)!.segments, 2)
      }).pipe(Effect.provide(TaxonomyClientTest.layerFromApi(api)))
    })
  })
})
