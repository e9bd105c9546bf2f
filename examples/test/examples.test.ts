import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile, spawn } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const tsx = join(root, "node_modules", ".bin", "tsx")

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs an example as its own process, as a user would. */
export const runExample = (file: string, args: ReadonlyArray<string>, env: Record<string, string | undefined>) =>
  Effect.async<Run>((resume) => {
    const child = execFile(
      tsx,
      [join(root, "src", file), ...args],
      { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error === null ? 0 : (error.code as number | undefined) ?? 1, stdout, stderr }))
    )
    return Effect.sync(() => child.kill())
  })

const key = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
const seed = SeedData.generateImport({ seed: 11, count: 230 })

const withServer = <A, E>(f: (server: FakeServer.Service) => Effect.Effect<A, E>) =>
  Effect.scoped(
    Effect.flatMap(FakeServer.make(FakeTaxonomyApi.make({ imports: [seed], pageSize: 50, apiKey: key })), f)
  )

describe("examples, executed against the fake API", () => {
  it.live("script.ts collects every segment with Stream.runCollect", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const run = yield* runExample("script.ts", [seed.importId], {
          PERMUTIVE_API_KEY: key,
          PERMUTIVE_BASE_URL: server.url
        })
        assert.strictEqual(run.stderr, "")
        assert.strictEqual(run.code, 0)
        assert.strictEqual(
          run.stdout,
          ["230 segments", ...seed.segments.slice(0, 3).map((s) => `${s.code}\t${s.name}`)].join("\n") + "\n"
        )
      })
    ))

  it.live("program.ts counts segments per top-level category inside an Effect program", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const run = yield* runExample("program.ts", [seed.importId], {
          PERMUTIVE_API_KEY: key,
          PERMUTIVE_BASE_URL: server.url
        })
        assert.strictEqual(run.code, 0, run.stderr)
        const expected = new Map<string, number>()
        for (const s of seed.segments) {
          const top = s.name.split(" > ")[0]!
          expected.set(top, (expected.get(top) ?? 0) + 1)
        }
        const lines = [...expected].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c, n]) =>
          `${c}\t${n}`
        )
        assert.strictEqual(run.stdout, lines.join("\n") + "\n")
      })
    ))

  it.live("program.ts reports an unknown import with the DoesNotExist message", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const run = yield* runExample("program.ts", ["32f8e031-c532-41bb-b25e-65bdb677a96f"], {
          PERMUTIVE_API_KEY: key,
          PERMUTIVE_BASE_URL: server.url
        })
        assert.strictEqual(run.stdout, "")
        assert.match(
          run.stderr,
          /^The import does not exist: Import 32f8e031-c532-41bb-b25e-65bdb677a96f does not exist \[HTTP 404, request id [0-9a-f-]{36}; import 32f8e031-c532-41bb-b25e-65bdb677a96f, first page, 0 segments emitted before it\]\. Check the import id/
        )
        assert.notInclude(run.stderr, key)
      })
    ))
})

describe("error-handling.ts: catchTags over every tag", () => {
  for (
    const [args, expected] of [
      [[seed.importId], "ok: 230 segments\n"],
      [["not-an-import"], "not an import id: not-an-import\n"],
      [
        ["32f8e031-c532-41bb-b25e-65bdb677a96f"],
        /^no such import 32f8e031-c532-41bb-b25e-65bdb677a96f \(request id [0-9a-f-]{36}\)\n$/
      ]
    ] as const
  ) {
    it.live(`prints ${String(expected).trim()}`, () =>
      withServer((server) =>
        Effect.gen(function*() {
          const run = yield* runExample("error-handling.ts", args, {
            PERMUTIVE_API_KEY: key,
            PERMUTIVE_BASE_URL: server.url
          })
          assert.strictEqual(run.code, 0, run.stderr)
          if (typeof expected === "string") assert.strictEqual(run.stdout, expected)
          else assert.match(run.stdout, expected)
        })
      ))
  }
})

describe("the main job (pnpm demo)", () => {
  it.live("streams every segment of the 12,345-segment demo import as NDJSON, 124 pages", () =>
    Effect.gen(function*() {
      const run = yield* runExample("demo.ts", [], { PERMUTIVE_API_KEY: undefined })
      assert.strictEqual(run.code, 0, run.stderr)
      const lines = run.stdout.split("\n")
      assert.strictEqual(lines.pop(), "")
      assert.strictEqual(lines.length, 12_345)
      const first = JSON.parse(lines[0]!)
      assert.deepStrictEqual(Object.keys(first), [
        "id",
        "code",
        "name",
        "import_id",
        "description",
        "cpm",
        "categories",
        "updated_at"
      ])
      const ids = new Set(lines.map((line) => JSON.parse(line).id))
      assert.strictEqual(ids.size, 12_345)
      const stderr = run.stderr.split("\n")
      assert.match(stderr[0]!, /^demo: using the fake API at http:\/\/127\.0\.0\.1:\d+ /)
      assert.match(
        stderr.at(-2)!,
        /^taxonomy-export: import 7088756d-1b9a-4f34-9161-54443d35225d: 12,345\/12,345 segments \(100%\), 124 pages, [\d,]+\/s, \d+\.\ds; matches the server's total count$/
      )
      for (const line of stderr.slice(1, -2)) {
        assert.match(line, /^progress: [\d,]+\/12,345 segments \(\d+%\), \d+ pages, /)
      }
    }), { timeout: 60_000 })

  it.live(
    "`pnpm demo` as the README runs it: stdout is NDJSON only (no pnpm banner)",
    () =>
      Effect.async<{ readonly code: number; readonly stdout: string }>((resume) => {
        const child = execFile(
          "pnpm",
          ["demo", "--", "--quiet"],
          { cwd: join(root, ".."), env: { ...process.env, PERMUTIVE_API_KEY: undefined }, maxBuffer: 64 * 1024 * 1024 },
          (error, stdout) => resume(Effect.succeed({ code: error === null ? 0 : 1, stdout }))
        )
        return Effect.sync(() => child.kill())
      }).pipe(Effect.map(({ code, stdout }) => {
        assert.strictEqual(code, 0)
        const lines = stdout.split("\n")
        assert.strictEqual(lines.pop(), "")
        assert.strictEqual(lines.length, 12_345)
        assert.strictEqual(JSON.parse(lines[0]!).import_id, "7088756d-1b9a-4f34-9161-54443d35225d")
      })),
    { timeout: 60_000 }
  )

  it.live(
    "`pnpm taxonomy-export` runs the command line in this repository",
    () =>
      Effect.async<{ readonly code: number; readonly stdout: string }>((resume) => {
        const child = execFile(
          "pnpm",
          ["taxonomy-export", "--help"],
          { cwd: join(root, ".."), maxBuffer: 16 * 1024 * 1024 },
          (error, stdout) => resume(Effect.succeed({ code: error === null ? 0 : 1, stdout }))
        )
        return Effect.sync(() => child.kill())
      }).pipe(Effect.map(({ code, stdout }) => {
        assert.strictEqual(code, 0)
        assert.isTrue(stdout.startsWith("taxonomy-export\n\ntaxonomy-export 0.1.0\n"), stdout.slice(0, 80))
      })),
    { timeout: 60_000 }
  )

  it.live("writes to a file with --out", () =>
    Effect.gen(function*() {
      const out = join(mkdtempSync(join(tmpdir(), "demo-")), "segments.ndjson")
      const run = yield* runExample("demo.ts", ["--out", out], { PERMUTIVE_API_KEY: undefined })
      assert.strictEqual(run.code, 0, run.stderr)
      assert.strictEqual(run.stdout, "")
      assert.strictEqual(readFileSync(out, "utf8").split("\n").length - 1, 12_345)
      assert.include(run.stderr, `; written to ${out}`)
    }), { timeout: 60_000 })

  it.live(
    "with a key, finds the import id after a flag without a value (-q <importId>)",
    () =>
      withServer((server) =>
        Effect.gen(function*() {
          const run = yield* runExample("demo.ts", ["-q", seed.importId, "--base-url", server.url], {
            PERMUTIVE_API_KEY: key
          })
          assert.strictEqual(run.stderr, "")
          assert.strictEqual(run.code, 0)
          assert.deepStrictEqual(
            run.stdout.trimEnd().split("\n").map((line) => JSON.parse(line).id),
            seed.segments.map((s) => s.id)
          )
        })
      ),
    { timeout: 60_000 }
  )

  it.live("exits non-zero with a one-line reason on failure", () =>
    Effect.gen(function*() {
      const run = yield* runExample("demo.ts", ["not-an-import"], { PERMUTIVE_API_KEY: undefined })
      assert.strictEqual(run.code, 2)
      assert.strictEqual(run.stdout, "")
      assert.strictEqual(
        run.stderr.split("\n").slice(1).join("\n"),
        "taxonomy-export: InvalidImportId: Import id \"not-an-import\" is not a UUID (expected e.g. 9f87bd3e-32eb-4d15-8e85-17fb275fa809); no request was sent.\n"
      )
    }), { timeout: 60_000 })
})

describe("the fake API on its own (pnpm fake-api)", () => {
  const usage = "usage: pnpm fake-api [-- --port PORT]   (PORT 0, the default, picks a free one)\n"

  it.live(
    "--help prints its usage; a bad option or port is a one-line message and exit code 2",
    () =>
      Effect.gen(function*() {
        const help = yield* runExample("fake-api.ts", ["--help"], {})
        assert.deepStrictEqual([help.code, help.stdout, help.stderr], [0, usage, ""])
        const unknown = yield* runExample("fake-api.ts", ["--bogus"], {})
        assert.deepStrictEqual([unknown.code, unknown.stderr], [2, `fake-api: Unknown option '--bogus'\n${usage}`])
        const hex = yield* runExample("fake-api.ts", ["--port", "0x10"], {})
        assert.deepStrictEqual([hex.code, hex.stderr], [
          2,
          "fake-api: --port must be a port number (0 for any), got \"0x10\"\n"
        ])
      }),
    { timeout: 60_000 }
  )

  it.live("a port in use is a one-line message and exit code 1", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const port = new URL(server.url).port
        const busy = yield* runExample("fake-api.ts", ["--port", port], {})
        assert.deepStrictEqual([busy.code, busy.stderr], [
          1,
          `fake-api: port ${port} is in use; pick another with --port, or 0 for any free one\n`
        ])
      })
    ), { timeout: 60_000 })

  it.live(
    "prints its URL and imports, serves them to the command line, and stops on SIGTERM",
    () =>
      Effect.gen(function*() {
        const child = spawn(tsx, [join(root, "src", "fake-api.ts")], { cwd: root, stdio: ["ignore", "pipe", "pipe"] })
        const lines: Array<string> = []
        const exited = Effect.async<number | null>((resume) => {
          child.once("exit", (code) => resume(Effect.succeed(code)))
        })
        yield* Effect.async<void>((resume) => {
          let buffer = ""
          child.stdout.on("data", (chunk: Buffer) => {
            buffer += chunk.toString("utf8")
            const complete = buffer.split("\n")
            buffer = complete.pop()!
            for (const line of complete) lines.push(line)
            if (lines.length >= 6) resume(Effect.void)
          })
        })
        const url = /^fake Taxonomy API at (http:\/\/127\.0\.0\.1:\d+) \(any API key; Ctrl-C to stop\)$/.exec(lines[0]!)
          ?.[1]
        assert.isDefined(url)
        assert.deepStrictEqual(lines.slice(1).map((line) => line.split("  ")[1]), [
          "12345 segments",
          ...lines.slice(2).map((line) => line.split("  ")[1]!)
        ])
        const demoId = lines[1]!.split("  ")[0]!
        assert.strictEqual(lines[1], `${demoId}  12345 segments  (the demo's import)`)
        // the import the README's examples name is there too
        assert.strictEqual(lines[5], "9f87bd3e-32eb-4d15-8e85-17fb275fa809  250 segments")
        const other = lines[4]!.split("  ")
        const cli = yield* runExample("../../packages/node/src/bin.ts", [other[0]!, "--base-url", url!, "-q"], {
          PERMUTIVE_API_KEY: "any"
        })
        assert.strictEqual(cli.code, 0, cli.stderr)
        assert.strictEqual(`${cli.stdout.trimEnd().split("\n").length} segments`, other[1])
        child.kill("SIGTERM")
        assert.strictEqual(yield* exited, 0)
      }),
    { timeout: 60_000 }
  )
})
