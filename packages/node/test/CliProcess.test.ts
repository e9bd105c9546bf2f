/**
 * The command as a real process (src/bin.ts through tsx) against a loopback
 * fake API: what it does when it is sent a signal, and when the reader of its
 * output goes away.
 */
import * as Cli from "@effect-taxonomy/node/Cli"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { closeSync, constants, mkdtempSync, openSync, readFileSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PassThrough } from "node:stream"
import { fileURLToPath } from "node:url"

const pkg = fileURLToPath(new URL("..", import.meta.url))
const bin = join(pkg, "src", "bin.ts")
const key = "3b241101-e2bb-4255-8caf-4136c566a962"
const pageSize = 50
const seed = SeedData.generateImport({ seed: 13, count: 2_000 })
const allIds = seed.segments.map((s) => s.id)
const pageCount = allIds.length / pageSize

interface Running {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** The exit code, or the signal that ended the process. */
  readonly exited: Effect.Effect<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

/**
 * Starts `taxonomy-export args` as a process of its own; it is killed when
 * the scope closes. With `pipeTo`, its stdout goes through a shell pipe into
 * that command (`| head -1`), and the exit code is the command's, not the
 * reader's.
 */
const start = (args: ReadonlyArray<string>, options: { readonly pipeTo?: string } = {}) =>
  Effect.acquireRelease(
    Effect.sync((): Running => {
      const command = [process.execPath, "--import", "tsx", bin, ...args]
      const child = spawn(
        options.pipeTo === undefined ? command[0]! : "bash",
        options.pipeTo === undefined
          ? command.slice(1)
          : ["-c", `${command.map((word) => `'${word}'`).join(" ")} | ${options.pipeTo}; exit \${PIPESTATUS[0]}`],
        { cwd: pkg, env: { ...process.env, PERMUTIVE_API_KEY: key }, stdio: ["ignore", "pipe", "pipe"] }
      )
      const out: Array<Buffer> = []
      const err: Array<Buffer> = []
      child.stdout!.on("data", (chunk: Buffer) => out.push(chunk))
      child.stderr!.on("data", (chunk: Buffer) => err.push(chunk))
      const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on("close", (code, signal) => resolve({ code, signal }))
      )
      return {
        child,
        stdout: () => Buffer.concat(out).toString("utf8"),
        stderr: () => Buffer.concat(err).toString("utf8"),
        exited: Effect.promise(() => exit)
      }
    }),
    ({ child }) => Effect.sync(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"))
  )

/** Polls (every 10 ms, for up to 20 s) until `predicate` holds. */
const waitFor = (what: string, predicate: () => boolean) =>
  Effect.async<void, Error>((resume) => {
    const deadline = Date.now() + 20_000
    const timer = setInterval(() => {
      if (predicate()) {
        clearInterval(timer)
        resume(Effect.void)
      } else if (Date.now() > deadline) {
        clearInterval(timer)
        resume(Effect.fail(new Error(`timed out waiting for ${what}`)))
      }
    }, 10)
    return Effect.sync(() => clearInterval(timer))
  })

const sizeOf = (file: string) => {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

/** A fake API over loopback whose every response takes 40 ms: the export is still running when the signal comes. */
const slowServer = () => {
  const api = FakeTaxonomyApi.make({ imports: [seed], pageSize, apiKey: key })
  return Effect.map(FakeServer.make(api, { latency: 40 }), (server) => ({ api, server }))
}

/** Runs the command in this process, as a user would run the printed command. */
const runInProcess = (argv: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const stderr = new PassThrough()
    const chunks: Array<Buffer> = []
    stderr.on("data", (c: Buffer) => chunks.push(c))
    const code = yield* Cli.run(argv, { stdout: new PassThrough(), stderr, stderrIsTTY: false }).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["PERMUTIVE_API_KEY", key]]))),
      Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer))
    )
    return { code, stderr: Buffer.concat(chunks).toString("utf8") }
  })

/** The printed resume command's arguments (the token is single-quoted, as for a shell). */
const resumeArgs = (line: string): ReadonlyArray<string> =>
  line.split(" resume with: taxonomy-export ")[1]!.split(" ").map((word) => word.replace(/^'(.*)'$/, "$1"))

/**
 * An export to stdout that was interrupted: whole NDJSON lines of whole pages,
 * the import's first segments in order, and on stderr that it was
 * interrupted and how to append the rest.
 */
const assertInterruptedOnStdout = (
  run: Running,
  api: FakeTaxonomyApi.FakeTaxonomyApi,
  url: string
) => {
  const stdout = run.stdout()
  assert.isTrue(stdout.endsWith("\n"), "whole lines")
  const ids = stdout.trimEnd().split("\n").map((line) => JSON.parse(line).id as string)
  assert.strictEqual(ids.length % pageSize, 0, "whole pages")
  assert.deepStrictEqual(ids, allIds.slice(0, ids.length))
  assert.deepStrictEqual(run.stderr().trimEnd().split("\n").slice(-2), [
    "taxonomy-export: interrupted",
    `taxonomy-export: ${ids.length} segments were written to stdout; to resume, append the rest to the same file: taxonomy-export ${seed.importId} --base-url ${url} --from '${
      api.tokenFor(seed.importId, ids.length / pageSize + 1)
    }' >> <your file>`
  ])
}

describe("taxonomy-export as a process", () => {
  it.live(
    "on SIGINT closes the JSON array of the pages written, prints how to resume, and exits 130",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { api, server } = yield* slowServer()
        const out = join(mkdtempSync(join(tmpdir(), "cli-signal-")), "segments.json")
        const run = yield* start([seed.importId, "--base-url", server.url, "--format", "json", "--out", out])
        // the first page is in the file: "[" and its elements
        yield* waitFor("the first page", () => sizeOf(out) > 1_000)
        run.child.kill("SIGINT")
        const exit = yield* run.exited
        assert.deepStrictEqual(exit, { code: 130, signal: null }, run.stderr())

        const written: ReadonlyArray<{ id: string }> = JSON.parse(readFileSync(out, "utf8"))
        const ids = written.map((s) => s.id)
        assert.isAbove(ids.length, 0)
        assert.isBelow(ids.length, allIds.length)
        assert.strictEqual(ids.length % pageSize, 0, "whole pages")
        assert.strictEqual(new Set(ids).size, ids.length, "distinct segments")
        assert.deepStrictEqual(ids, allIds.slice(0, ids.length), "the import's first segments, in order")

        const lines = run.stderr().trimEnd().split("\n")
        assert.strictEqual(lines.at(-2), "taxonomy-export: interrupted")
        assert.strictEqual(
          lines.at(-1),
          `taxonomy-export: ${ids.length} segments were written; resume with: taxonomy-export ${seed.importId} --base-url ${server.url} --format json --out ${out} --from '${
            api.tokenFor(seed.importId, ids.length / pageSize + 1)
          }' --append`
        )

        // resuming as told completes the array
        const resumed = yield* runInProcess(resumeArgs(lines.at(-1)!))
        assert.strictEqual(resumed.code, 0, resumed.stderr)
        assert.deepStrictEqual(JSON.parse(readFileSync(out, "utf8")).map((s: { id: string }) => s.id), allIds)
      })),
    { timeout: 60_000 }
  )

  it.live(
    "on SIGTERM leaves whole NDJSON lines on stdout, says how to append the rest, and exits 143",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { api, server } = yield* slowServer()
        const run = yield* start([seed.importId, "--base-url", server.url])
        yield* waitFor("the first page", () => run.stdout().split("\n").length > pageSize)
        run.child.kill("SIGTERM")
        const exit = yield* run.exited
        assert.deepStrictEqual(exit, { code: 143, signal: null }, run.stderr())

        assertInterruptedOnStdout(run, api, server.url)
      })),
    { timeout: 60_000 }
  )

  it.live(
    "on SIGTERM with a slow reader of stdout, what was counted as written reaches it before the exit",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { api, server } = yield* slowServer()
        const run = yield* start([seed.importId, "--base-url", server.url])
        yield* waitFor("the first page", () => run.stdout().split("\n").length > pageSize)
        // the reader stops reading: the pipe fills, and the export's writes queue up behind it
        run.child.stdout!.pause()
        yield* Effect.sleep("1500 millis")
        run.child.kill("SIGTERM")
        yield* Effect.sleep("500 millis")
        run.child.stdout!.resume()
        const exit = yield* run.exited
        assert.deepStrictEqual(exit, { code: 143, signal: null }, run.stderr())
        const lines = run.stderr().trimEnd().split("\n")
        const written = Number(/^taxonomy-export: (\d+) segments were written to stdout/.exec(lines.at(-1)!)?.[1])
        const stdout = run.stdout()
        assert.isTrue(stdout.endsWith("\n"), "whole lines")
        const ids = stdout.trimEnd().split("\n").map((line) => JSON.parse(line).id as string)
        assert.strictEqual(ids.length, written, "every segment counted as written was delivered")
        assert.deepStrictEqual(ids, allIds.slice(0, ids.length))
        assert.include(lines.at(-1)!, `--from '${api.tokenFor(seed.importId, ids.length / pageSize + 1)}'`)
      })),
    { timeout: 60_000 }
  )

  it.live(
    "a repeat of the signal while the output is still being flushed to a slow reader does not cut it short",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { server } = yield* slowServer()
        const run = yield* start([seed.importId, "--base-url", server.url])
        yield* waitFor("the first page", () => run.stdout().split("\n").length > pageSize)
        run.child.stdout!.pause()
        yield* Effect.sleep("1500 millis")
        run.child.kill("SIGINT")
        // the export has stopped; its output waits for the reader: the launcher's relayed copy arrives
        yield* Effect.sleep("100 millis")
        run.child.kill("SIGINT")
        yield* Effect.sleep("200 millis")
        run.child.stdout!.resume()
        const exit = yield* run.exited
        assert.deepStrictEqual(exit, { code: 130, signal: null }, run.stderr())
        const written = Number(/(\d+) segments were written to stdout/.exec(run.stderr())?.[1])
        const stdout = run.stdout()
        assert.isTrue(stdout.endsWith("\n"), "whole lines")
        assert.strictEqual(stdout.trimEnd().split("\n").length, written)
      })),
    { timeout: 60_000 }
  )

  it.live(
    "one Ctrl-C delivered twice at once (to the process group and relayed by tsx or pnpm) is one interruption",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { api, server } = yield* slowServer()
        const run = yield* start([seed.importId, "--base-url", server.url])
        yield* waitFor("the first page", () => run.stdout().split("\n").length > pageSize)
        run.child.kill("SIGINT")
        run.child.kill("SIGINT")
        const exit = yield* run.exited
        assert.deepStrictEqual(exit, { code: 130, signal: null }, run.stderr())
        assertInterruptedOnStdout(run, api, server.url)
      })),
    { timeout: 60_000 }
  )

  it.live(
    "a second SIGINT ends it at once, when the first is still waiting for the output",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { server } = yield* slowServer()
        // a named pipe nobody reads: once it is full, writing to it never finishes
        const fifo = join(mkdtempSync(join(tmpdir(), "cli-signal-")), "stalled.json")
        execFileSync("mkfifo", [fifo])
        const reader = yield* Effect.acquireRelease(
          Effect.sync(() => openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)),
          (fd) => Effect.sync(() => closeSync(fd))
        )
        assert.isAtLeast(reader, 0)
        const run = yield* start([seed.importId, "--base-url", server.url, "--format", "json", "--out", fifo])
        // stalled: no more requests for a while (a pipe holds a few pages)
        let seen = -1
        let since = Date.now()
        yield* waitFor("the export to stall", () => {
          const now = Date.now()
          if (server.exchanges.length !== seen) {
            seen = server.exchanges.length
            since = now
          }
          return seen >= 2 && now - since > 500
        })
        assert.isBelow(seen, pageCount)
        run.child.kill("SIGINT")
        // the first signal interrupted the export; closing the array waits for the pipe, forever
        // (a signal within half a second of the first would be taken for the same one, delivered twice)
        yield* Effect.sleep("1 second")
        assert.deepStrictEqual([run.child.exitCode, run.child.signalCode], [null, null], "still running")
        run.child.kill("SIGINT")
        const exit = yield* Effect.timeoutFail(run.exited, {
          duration: "2 seconds",
          onTimeout: () => new Error("the second SIGINT did not end the process")
        })
        assert.deepStrictEqual(exit, { code: null, signal: "SIGINT" })
      })),
    { timeout: 60_000 }
  )

  describe("piped into head -1", () => {
    it.live(
      "ends quietly with exit code 0 when the reader goes away, and fetches no further pages",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const { server } = yield* slowServer()
          const run = yield* start([seed.importId, "--base-url", server.url, "--quiet"], { pipeTo: "head -1" })
          const exit = yield* run.exited
          assert.deepStrictEqual(exit, { code: 0, signal: null }, run.stderr())
          assert.strictEqual(run.stderr(), "")
          assert.strictEqual(JSON.parse(run.stdout()).id, allIds[0])
          assert.isBelow(server.exchanges.length, pageCount, "requests")
        })),
      { timeout: 60_000 }
    )

    it.live(
      "prints only its progress, no error and no summary; in every format",
      () =>
        Effect.scoped(Effect.gen(function*() {
          for (const format of ["json", "csv"]) {
            const { server } = yield* slowServer()
            const run = yield* start([seed.importId, "--base-url", server.url, "-f", format], { pipeTo: "head -1" })
            const exit = yield* run.exited
            assert.deepStrictEqual(exit, { code: 0, signal: null }, run.stderr())
            assert.strictEqual(
              run.stdout(),
              format === "json" ? "[\n" : "id,code,name,import_id,description,cpm,categories,updated_at\r\n"
            )
            const lines = run.stderr().split("\n").slice(0, -1)
            assert.isAbove(lines.length, 0)
            for (const line of lines) {
              assert.match(line, /^progress: [\d,]+\/2,000 segments \(\d+%\), \d+ pages, /, format)
            }
            assert.isBelow(server.exchanges.length, pageCount, "requests")
          }
        })),
      { timeout: 60_000 }
    )

    it.live(
      "with --out FILE a closed pipe is still an output error (exit code 8)",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const { server } = yield* slowServer()
          const run = yield* start([seed.importId, "--base-url", server.url, "--out", "/dev/stdout", "--quiet"], {
            pipeTo: "head -1"
          })
          const exit = yield* run.exited
          assert.deepStrictEqual(exit, { code: 8, signal: null }, run.stderr())
          assert.match(
            run.stderr(),
            /^taxonomy-export: OutputError: Could not write the output: EPIPE: broken pipe, write \(\d+ segments written before\)\.\n$/
          )
        })),
      { timeout: 60_000 }
    )
  })
})
