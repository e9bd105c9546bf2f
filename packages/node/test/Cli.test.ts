import * as Cli from "@effect-taxonomy/node/Cli"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PassThrough, Writable } from "node:stream"

const key = "3b241101-e2bb-4255-8caf-4136c566a962"
const seed = SeedData.generateImport({ seed: 8, count: 250 })
const environment = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer)

const capture = () => {
  const stream = new PassThrough()
  const chunks: Array<Buffer> = []
  stream.on("data", (c: Buffer) => chunks.push(c))
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") }
}

/** Runs the command in-process against a fake server, with the given environment variables. */
const runCli = (
  argv: (url: string) => ReadonlyArray<string>,
  options: {
    readonly env?: Record<string, string>
    readonly api?: FakeTaxonomyApi.FakeTaxonomyApi
    readonly tty?: boolean
    readonly invocation?: Cli.Io["invocation"]
  } = {}
) =>
  Effect.scoped(Effect.gen(function*() {
    const api = options.api ?? FakeTaxonomyApi.make({ imports: [seed], pageSize: 50, apiKey: key })
    const server = yield* FakeServer.make(api)
    const stdout = capture()
    const stderr = capture()
    const env = new Map(Object.entries(options.env ?? { PERMUTIVE_API_KEY: key, PERMUTIVE_RETRY_MAX_ATTEMPTS: "2" }))
    const code = yield* Cli.run(argv(server.url), {
      stdout: stdout.stream,
      stderr: stderr.stream,
      stderrIsTTY: options.tty ?? false,
      invocation: options.invocation
    }).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(env)),
      Effect.provide(environment)
    )
    return { code, stdout: stdout.text(), stderr: stderr.text(), api, url: server.url }
  }))

/** The fake API, whose third page fails with a 503 on both attempts the CLI's settings allow (then serves it). */
const failingOnPage3 = () =>
  FakeTaxonomyApi.make({
    imports: [seed],
    pageSize: 50,
    apiKey: key,
    faults: FaultPlan.scripted([{ page: 3, times: 2, fault: FaultPlan.serverError({ status: 503, body: "html" }) }])
  })

const ndjsonIds = (text: string) =>
  text.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l).id as string)
const allIds = seed.segments.map((s) => s.id)

describe("taxonomy-export", () => {
  it.live("exports NDJSON to stdout with plain progress lines and a summary on stderr", () =>
    Effect.gen(function*() {
      const run = yield* runCli((url) => [seed.importId, "--base-url", url])
      assert.strictEqual(run.code, 0)
      assert.deepStrictEqual(ndjsonIds(run.stdout), allIds)
      const lines = run.stderr.trimEnd().split("\n")
      assert.match(lines[0]!, /^progress: 50\/250 segments \(20%\), 1 pages, [\d,]+\/s, \d+\.\ds$/)
      assert.match(
        lines.at(-1)!,
        new RegExp(
          `^taxonomy-export: import ${seed.importId}: 250/250 segments \\(100%\\), 5 pages, [\\d,]+/s, \\d+\\.\\ds; matches the server's total count$`
        )
      )
      assert.isTrue(run.api.requests.every((r) => r.headers["x-api-key"] === key))
    }))

  it.live("draws a progress bar on a terminal and clears it", () =>
    Effect.gen(function*() {
      const run = yield* runCli((url) => [seed.importId, "--base-url", url], { tty: true })
      assert.strictEqual(run.code, 0)
      assert.include(run.stderr, "\r\x1b[2K[#####...................] 50/250 segments (20%), 1 pages, ")
      assert.include(run.stderr, "\r\x1b[2K[########################] 250/250 segments (100%), 5 pages, ")
      assert.isTrue(run.stderr.includes("\r\x1b[2Ktaxonomy-export: import "))
    }))

  it.live("says nothing on stderr with --quiet", () =>
    Effect.gen(function*() {
      const run = yield* runCli((url) => [seed.importId, "--base-url", url, "--quiet"])
      assert.strictEqual(run.code, 0)
      assert.strictEqual(run.stderr, "")
      assert.strictEqual(ndjsonIds(run.stdout).length, 250)
    }))

  it.live("writes CSV to --out FILE, reading the key from --key-file", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "cli-"))
      writeFileSync(join(dir, "key"), `${key}\n`)
      const out = join(dir, "segments.csv")
      const run = yield* runCli(
        (url) => [seed.importId, "--base-url", url, "-f", "csv", "-o", out, "--key-file", join(dir, "key")],
        {
          env: {}
        }
      )
      assert.strictEqual(run.code, 0, run.stderr)
      assert.strictEqual(run.stdout, "")
      const rows = readFileSync(out, "utf8").split("\r\n")
      assert.strictEqual(rows[0], "id,code,name,import_id,description,cpm,categories,updated_at")
      assert.strictEqual(rows.length, 252)
      assert.isTrue(rows[1]!.startsWith(`${allIds[0]},`))
      assert.include(run.stderr, `; written to ${out}\n`)
    }))

  it.live("a wrapper's invocation starts the printed resume command (pnpm demo: without its fake API's address)", () =>
    Effect.gen(function*() {
      const out = join(mkdtempSync(join(tmpdir(), "cli-")), "segments.ndjson")
      const api = failingOnPage3()
      const failed = yield* runCli((url) => [seed.importId, "--base-url", url, "--out", out], {
        api,
        invocation: { command: "pnpm demo --", args: ["--out", out] }
      })
      assert.strictEqual(failed.code, 6)
      assert.strictEqual(
        failed.stderr.trimEnd().split("\n").at(-1),
        `taxonomy-export: 100 segments were written; resume with: pnpm demo -- --out ${out} --from '${
          api.tokenFor(seed.importId, 3)
        }' --append`
      )
    }))

  it.live("@effect/cli's own usage errors start with the command's name; its help has no colour codes off a terminal", () =>
    Effect.gen(function*() {
      const missing = yield* runCli(() => [])
      assert.strictEqual(missing.code, 2)
      assert.strictEqual(missing.stderr, "taxonomy-export: Missing argument <importId>\n")
      const help = yield* runCli(() => ["--help"])
      assert.strictEqual(help.code, 0)
      assert.isTrue(help.stdout.startsWith("taxonomy-export\n\ntaxonomy-export 0.1.0\n"), help.stdout.slice(0, 80))
      assert.notInclude(help.stdout, "\u001b[")
    }))

  it.live("the resume command quotes what a shell would split or expand (a path with a space, a quote, a $)", () =>
    Effect.gen(function*() {
      const dir = join(mkdtempSync(join(tmpdir(), "cli-")), "it's $HOME now")
      mkdirSync(dir)
      const out = join(dir, "my segments.ndjson")
      const api = failingOnPage3()
      const failed = yield* runCli((url) => [seed.importId, "--base-url", url, "--out", out], { api })
      assert.strictEqual(failed.code, 6)
      const quotedOut = `'${out.replaceAll("'", "'\\''")}'`
      const line = failed.stderr.trimEnd().split("\n").at(-1)!
      assert.strictEqual(
        line,
        `taxonomy-export: 100 segments were written; resume with: taxonomy-export ${seed.importId} --base-url ${failed.url} --out ${quotedOut} --from '${
          api.tokenFor(seed.importId, 3)
        }' --append`
      )
      // a shell reads the words back as they were
      const words = execFileSync("bash", ["-c", `printf '%s\\n' ${line.split(" resume with: taxonomy-export ")[1]}`], {
        encoding: "utf8"
      })
      assert.deepStrictEqual(words.trimEnd().split("\n"), [
        seed.importId,
        "--base-url",
        failed.url,
        "--out",
        out,
        "--from",
        api.tokenFor(seed.importId, 3),
        "--append"
      ])
    }))

  it.live("prints the token to resume from on failure; resuming with --append completes the file", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "cli-"))
      const out = join(dir, "segments.ndjson")
      const api = failingOnPage3()
      const failed = yield* runCli((url) => [seed.importId, "--base-url", url, "--out", out], { api })
      assert.strictEqual(failed.code, 6)
      const token = api.tokenFor(seed.importId, 3)
      const lines = failed.stderr.trimEnd().split("\n")
      assert.match(lines.at(-2)!, /^taxonomy-export: UnknownError: Unknown error|^taxonomy-export: UnknownError: /)
      assert.strictEqual(
        lines.at(-1),
        `taxonomy-export: 100 segments were written; resume with: taxonomy-export ${seed.importId} --base-url ${
          failed.stderr.match(/--base-url (\S+)/)![1]
        } --out ${out} --from '${token}' --append`
      )
      assert.deepStrictEqual(ndjsonIds(readFileSync(out, "utf8")), allIds.slice(0, 100))
      // the fault is spent: resume as told
      const resumed = yield* runCli(
        (url) => [seed.importId, "--base-url", url, "--out", out, "--from", token, "--append"],
        { api }
      )
      assert.strictEqual(resumed.code, 0, resumed.stderr)
      assert.deepStrictEqual(ndjsonIds(readFileSync(out, "utf8")), allIds)
    }))

  const failures: ReadonlyArray<
    readonly [
      string,
      number,
      Partial<FakeTaxonomyApi.Options> | undefined,
      ReadonlyArray<string>,
      Record<string, string> | undefined
    ]
  > = [
    ["no API key", 2, undefined, [], {}],
    ["a bad import id", 2, undefined, ["--", "not-a-uuid"], undefined],
    ["an unknown --format", 2, undefined, ["--format", "xml"], undefined],
    ["a wrong key", 3, undefined, [], { PERMUTIVE_API_KEY: "00000000-0000-4000-8000-000000000000" }],
    ["an unknown import", 4, { imports: [] }, [], undefined],
    [
      "a rate limit beyond the maximum wait",
      5,
      { faults: FaultPlan.always(FaultPlan.rateLimit(FaultPlan.retryAfterSeconds(3600))) },
      [],
      undefined
    ],
    [
      "a server that keeps failing",
      6,
      { faults: FaultPlan.always(FaultPlan.serverError({ status: 502, body: "html" })) },
      [],
      undefined
    ],
    ["a pagination loop", 7, { faults: FaultPlan.scripted([{ page: 2, fault: FaultPlan.repeatToken }]) }, [], undefined]
  ]
  for (const [label, code, apiOptions, extra, env] of failures) {
    it.live(`exits ${code} on ${label}`, () =>
      Effect.gen(function*() {
        const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 50, apiKey: key, ...apiOptions })
        const args = extra[0] === "--" ? extra.slice(1) : [seed.importId, ...extra]
        const run = yield* runCli((url) => [...args, "--base-url", url], { api, ...(env !== undefined ? { env } : {}) })
        assert.strictEqual(run.code, code, run.stderr)
        assert.notInclude(run.stderr, key)
      }))
  }

  it.live("exits 8 when the output cannot be written", () =>
    Effect.gen(function*() {
      const run = yield* runCli((url) => [seed.importId, "--base-url", url, "--out", "/nonexistent-dir/x.ndjson"])
      assert.strictEqual(run.code, 8)
      assert.include(
        run.stderr,
        "taxonomy-export: OutputError: Could not write the output: ENOENT: no such file or directory, open '/nonexistent-dir/x.ndjson' (0 segments written before).\n"
      )
      assert.strictEqual(run.api.requests.length, 0)
    }))

  it.live("a closed stdout (EPIPE) ends the export quietly with 0; another stdout error exits 8", () =>
    Effect.gen(function*() {
      for (const [code, exitCode] of [["EPIPE", 0], ["EIO", 8]] as const) {
        const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 50, apiKey: key })
        const server = yield* FakeServer.make(api)
        // takes the first page, then fails as a pipe whose reader went away (or a broken device)
        let writes = 0
        const stdout = new Writable({
          write(_chunk, _encoding, callback) {
            writes++
            callback(writes === 1 ? null : Object.assign(new Error(`write ${code}`), { code }))
          }
        })
        const stderr = capture()
        const result = yield* Cli.run([seed.importId, "--base-url", server.url, "--quiet"], {
          stdout,
          stderr: stderr.stream,
          stderrIsTTY: false
        }).pipe(
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["PERMUTIVE_API_KEY", key]]))),
          Effect.provide(environment)
        )
        assert.strictEqual(result, exitCode, code)
        assert.strictEqual(
          stderr.text(),
          code === "EPIPE"
            ? ""
            : "taxonomy-export: OutputError: Could not write the output: write EIO (50 segments written before).\n"
        )
        assert.isBelow(api.requests.length, 5, code)
      }
    }).pipe(Effect.scoped))

  describe("interrupted in-process", () => {
    /** Runs the command in a fiber, interrupts it once `ready` holds, and returns what it printed. */
    const interrupted = (
      argv: (url: string) => ReadonlyArray<string>,
      api: FakeTaxonomyApi.FakeTaxonomyApi,
      ready: (server: FakeServer.Service) => boolean,
      stdout: Writable = new PassThrough()
    ) =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* FakeServer.make(api)
        const stderr = capture()
        const fiber = yield* Cli.run(argv(server.url), { stdout, stderr: stderr.stream, stderrIsTTY: false }).pipe(
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["PERMUTIVE_API_KEY", key]]))),
          Effect.provide(environment),
          Effect.fork
        )
        yield* FakeServer.waitUntil(server, ready, { timeoutMs: 10_000 })
        const exit = yield* Fiber.interrupt(fiber)
        assert.isTrue(Exit.isInterrupted(exit))
        return stderr.text()
      }))

    it.live("before the first page: nothing was written, nothing to resume", () =>
      Effect.gen(function*() {
        const api = FakeTaxonomyApi.make({
          imports: [seed],
          pageSize: 50,
          apiKey: key,
          faults: FaultPlan.scripted([{ page: 1, fault: FaultPlan.slow(60_000) }])
        })
        const stderr = yield* interrupted((url) => [seed.importId, "--base-url", url], api, (s) =>
          s.exchanges.length === 1)
        assert.strictEqual(stderr, "taxonomy-export: interrupted before any segment was written\n")
      }))

    it.live("after the last page: everything was written, nothing to resume", () =>
      Effect.gen(function*() {
        // stdout takes every page, then holds back the JSON array's closing "]"
        const chunks: Array<string> = []
        let closing = false
        const stdout = new Writable({
          highWaterMark: 1,
          write(chunk: Buffer, _encoding, callback) {
            chunks.push(chunk.toString("utf8"))
            if (chunks.join("").endsWith("\n]\n")) closing = true
            else callback()
          }
        })
        const api = FakeTaxonomyApi.make({ imports: [seed], pageSize: 50, apiKey: key })
        const stderr = yield* interrupted(
          (url) => [seed.importId, "--base-url", url, "-f", "json", "--quiet"],
          api,
          () => closing,
          stdout
        )
        assert.strictEqual(stderr, "taxonomy-export: interrupted after the last page: all 250 segments were written\n")
        assert.deepStrictEqual(JSON.parse(chunks.join("")).map((s: { id: string }) => s.id), allIds)
      }))
  })

  it.live("--help lists every option with examples", () =>
    Effect.gen(function*() {
      const run = yield* runCli(() => ["--help"])
      assert.strictEqual(run.code, 0)
      // drop the ANSI styling
      const help = run.stdout.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "")
      for (
        const option of [
          "--out FILE",
          "--append",
          "--format ndjson | csv | json",
          "--key-file FILE",
          "--base-url URL",
          "--from TOKEN",
          "--prefetch PAGES",
          "--quiet",
          "<importId>"
        ]
      ) {
        assert.include(help, option)
      }
      assert.include(
        help,
        "PERMUTIVE_API_KEY=... taxonomy-export 9f87bd3e-32eb-4d15-8e85-17fb275fa809 > segments.ndjson"
      )
      assert.include(
        help,
        "Resume from this pagination token (printed by a failed export). With output on stdout, CSV has no header row, so the output can be appended (>>) to the first run's file."
      )
      assert.include(
        help,
        "taxonomy-export 9f87bd3e-32eb-4d15-8e85-17fb275fa809 --format csv --from 'MTIzNA==' >> segments.csv"
      )
    }))

  describe("resuming", () => {
    const token = FakeTaxonomyApi.make({ imports: [seed], pageSize: 50, apiKey: key }).tokenFor(seed.importId, 3)
    /** What a full export to stdout writes in a format. */
    const fullExport = (format: string) =>
      Effect.map(runCli((url) => [seed.importId, "--base-url", url, "-f", format, "--quiet"]), (run) => run.stdout)
    const lastLines = (text: string, n: number) => text.trimEnd().split("\n").slice(-n)
    const timing = "\\d+ pages, [\\d,]+/s, \\d+\\.\\ds"

    it.live("--append to a CSV file writes no second header: the resumed file is the full export", () =>
      Effect.gen(function*() {
        const out = join(mkdtempSync(join(tmpdir(), "cli-")), "a.csv")
        const api = failingOnPage3()
        const failed = yield* runCli((url) => [seed.importId, "--base-url", url, "-f", "csv", "--out", out], { api })
        assert.strictEqual(failed.code, 6)
        assert.strictEqual(
          lastLines(failed.stderr, 1)[0],
          `taxonomy-export: 100 segments were written; resume with: taxonomy-export ${seed.importId} --base-url ${failed.url} -f csv --out ${out} --from '${token}' --append`
        )
        const resumed = yield* runCli(
          (url) => [seed.importId, "--base-url", url, "-f", "csv", "--out", out, "--from", token, "--append"],
          { api }
        )
        assert.strictEqual(resumed.code, 0, resumed.stderr)
        const file = readFileSync(out, "utf8")
        assert.strictEqual(file, yield* fullExport("csv"))
        assert.strictEqual(file.split("id,code,name,import_id,description,cpm,categories,updated_at\r\n").length, 2)
        assert.match(
          lastLines(resumed.stderr, 1)[0]!,
          new RegExp(
            `^taxonomy-export: import ${seed.importId}: resumed run wrote 150 segments, 3 pages, [\\d,]+/s, \\d+\\.\\ds; appended to ${out}, which now holds 250 records$`
          )
        )
      }))

    it.live("a failed JSON export leaves a valid array; --append continues it into the full export", () =>
      Effect.gen(function*() {
        const out = join(mkdtempSync(join(tmpdir(), "cli-")), "a.json")
        const api = failingOnPage3()
        const failed = yield* runCli((url) => [seed.importId, "--base-url", url, "-f", "json", "-o", out], { api })
        assert.strictEqual(failed.code, 6)
        assert.strictEqual(
          lastLines(failed.stderr, 1)[0],
          `taxonomy-export: 100 segments were written; resume with: taxonomy-export ${seed.importId} --base-url ${failed.url} -f json -o ${out} --from '${token}' --append`
        )
        const partial = readFileSync(out, "utf8")
        assert.isTrue(partial.endsWith("}\n]\n"))
        assert.deepStrictEqual(JSON.parse(partial).map((s: { id: string }) => s.id), allIds.slice(0, 100))
        const resumed = yield* runCli(
          (url) => [seed.importId, "--base-url", url, "-f", "json", "-o", out, "--from", token, "--append"],
          { api }
        )
        assert.strictEqual(resumed.code, 0, resumed.stderr)
        const file = readFileSync(out, "utf8")
        assert.strictEqual(file, yield* fullExport("json"))
        assert.deepStrictEqual(JSON.parse(file).map((s: { id: string }) => s.id), allIds)
        assert.match(
          lastLines(resumed.stderr, 1)[0]!,
          new RegExp(
            `^taxonomy-export: import ${seed.importId}: resumed run wrote 150 segments, ${timing}; appended to ${out}$`
          )
        )
      }))

    it.live("--append -f json continues an empty array, and starts one in an empty file", () =>
      Effect.gen(function*() {
        const dir = mkdtempSync(join(tmpdir(), "cli-"))
        const full = yield* fullExport("json")
        for (
          const [name, before] of [["empty-array.json", "[]\n"], ["spaced.json", "  [ \n ]  \n\n"], ["empty.json", ""]]
        ) {
          const out = join(dir, name)
          writeFileSync(out, before)
          const run = yield* runCli((url) => [seed.importId, "--base-url", url, "-f", "json", "-o", out, "--append"])
          assert.strictEqual(run.code, 0, run.stderr)
          assert.strictEqual(readFileSync(out, "utf8"), name === "spaced.json" ? `  ${full}` : full, name)
        }
      }))

    it.live("--append -f json to a file that holds no JSON array is a usage error, before any request", () =>
      Effect.gen(function*() {
        const dir = mkdtempSync(join(tmpdir(), "cli-"))
        for (
          const [name, text, problem] of [
            ["truncated.json", "[\n{\"id\":\"a\"},\n{\"id\":", "it does not end with \"]\""],
            ["ndjson.json", "{\"id\":\"a\"}\n", "it does not end with \"]\""],
            ["object.json", "{\"ids\":[1]}\n", "it does not end with \"]\""],
            ["reversed.json", "]\n[1]", "it does not start with \"[\""]
          ]
        ) {
          const out = join(dir, name)
          writeFileSync(out, text)
          const run = yield* runCli((url) => [seed.importId, "--base-url", url, "-f", "json", "-o", out, "--append"])
          assert.strictEqual(run.code, 2, name)
          assert.strictEqual(
            run.stderr,
            `taxonomy-export: UsageError: cannot append to ${out} with --format json: ${problem}, so it does not hold a JSON array to continue (append to a file written with --format json, or leave out --append to replace the file)\n`
          )
          assert.strictEqual(readFileSync(out, "utf8"), text)
          assert.strictEqual(run.api.requests.length, 0)
        }
      }))

    it.live("--append without --out is a usage error", () =>
      Effect.gen(function*() {
        const run = yield* runCli((url) => [seed.importId, "--base-url", url, "--append"])
        assert.strictEqual(run.code, 2)
        assert.strictEqual(
          run.stderr,
          "taxonomy-export: UsageError: --append needs --out FILE, the file to append to (to append stdout to a file, use >> FILE)\n"
        )
        assert.strictEqual(run.stdout, "")
        assert.strictEqual(run.api.requests.length, 0)
      }))

    it.live("--append -f ndjson reports the records the file now holds", () =>
      Effect.gen(function*() {
        const out = join(mkdtempSync(join(tmpdir(), "cli-")), "a.ndjson")
        writeFileSync(out, "{\"id\":\"x\"}\n{\"id\":\"y\"}\n")
        const run = yield* runCli((url) => [seed.importId, "--base-url", url, "-o", out, "--append"])
        assert.strictEqual(run.code, 0, run.stderr)
        assert.match(
          lastLines(run.stderr, 1)[0]!,
          new RegExp(
            `^taxonomy-export: import ${seed.importId}: 250/250 segments \\(100%\\), ${timing}; matches the server's total count; appended to ${out}, which now holds 252 records$`
          )
        )
      }))

    it.live("a CSV file's record count skips the header and newlines inside quoted fields", () =>
      Effect.gen(function*() {
        const out = join(mkdtempSync(join(tmpdir(), "cli-")), "a.csv")
        writeFileSync(
          out,
          "id,code,name,import_id,description,cpm,categories,updated_at\r\nx,1,\"two\r\nlines\",,,,,\r\ny,2,\"a \"\"quote\"\"\",,,,,\r\n"
        )
        const run = yield* runCli((url) => [seed.importId, "--base-url", url, "-f", "csv", "-o", out, "--append"])
        assert.strictEqual(run.code, 0, run.stderr)
        assert.isTrue(lastLines(run.stderr, 1)[0]!.endsWith(`; appended to ${out}, which now holds 252 records`))
        assert.strictEqual(readFileSync(out, "utf8").split("id,code,name,").length, 2)
      }))

    it.live("after a failure on stdout, the hint appends to the file with >>; the result is the full export", () =>
      Effect.gen(function*() {
        for (const format of ["ndjson", "csv"]) {
          const api = failingOnPage3()
          const failed = yield* runCli((url) => [seed.importId, "--base-url", url, "-f", format], { api })
          assert.strictEqual(failed.code, 6)
          assert.strictEqual(
            lastLines(failed.stderr, 1)[0],
            `taxonomy-export: 100 segments were written to stdout; to resume, append the rest to the same file: taxonomy-export ${seed.importId} --base-url ${failed.url} -f ${format} --from '${token}' >> <your file>`
          )
          // as told: the resumed run's output after the first run's (a CSV without a second header)
          const resumed = yield* runCli(
            (url) => [seed.importId, "--base-url", url, "-f", format, "--from", token],
            { api }
          )
          assert.strictEqual(resumed.code, 0, resumed.stderr)
          assert.strictEqual(failed.stdout + resumed.stdout, yield* fullExport(format), format)
          assert.match(
            lastLines(resumed.stderr, 1)[0]!,
            new RegExp(`^taxonomy-export: import ${seed.importId}: resumed run wrote 150 segments, ${timing}$`)
          )
        }
      }))

    it.live("after a JSON failure on stdout, the hint says to use --out FILE; stdout holds a valid array", () =>
      Effect.gen(function*() {
        const failed = yield* runCli((url) => [seed.importId, "--base-url", url, "--format=json"], {
          api: failingOnPage3()
        })
        assert.strictEqual(failed.code, 6)
        assert.strictEqual(
          lastLines(failed.stderr, 1)[0],
          "taxonomy-export: 100 segments were written to stdout; a JSON array on stdout cannot be resumed: export again with --out FILE (an export to a file can be resumed with --from and --append)"
        )
        assert.deepStrictEqual(JSON.parse(failed.stdout).map((s: { id: string }) => s.id), allIds.slice(0, 100))
      }))

    it.live("a resumed run's progress counts its own segments, with no total or percentage", () =>
      Effect.gen(function*() {
        const lines = yield* runCli((url) => [seed.importId, "--base-url", url, "--from", token])
        assert.strictEqual(lines.code, 0, lines.stderr)
        assert.deepStrictEqual(ndjsonIds(lines.stdout), allIds.slice(100))
        assert.match(
          lines.stderr.split("\n")[0]!,
          /^progress: 50 segments since the resume token, 1 pages, [\d,]+\/s, \d+\.\ds$/
        )
        const bar = yield* runCli((url) => [seed.importId, "--base-url", url, "--from", token], { tty: true })
        assert.include(bar.stderr, "\r\x1b[2K50 segments since the resume token, 1 pages, ")
        assert.notMatch(bar.stderr, /\[[#.]/)
      }))
  })

  describe("configuration errors name the environment variable or flag", () => {
    const cases: ReadonlyArray<readonly [string, Record<string, string>, ReadonlyArray<string>, string]> = [
      [
        "PERMUTIVE_RETRY_MAX_ATTEMPTS=0",
        { PERMUTIVE_RETRY_MAX_ATTEMPTS: "0" },
        [],
        "InvalidOptions: Invalid environment variable PERMUTIVE_RETRY_MAX_ATTEMPTS (option retry.maxAttempts): must be a whole number ≥ 1, got 0. No request was sent."
      ],
      [
        "PERMUTIVE_REQUEST_TIMEOUT=banana",
        { PERMUTIVE_REQUEST_TIMEOUT: "banana" },
        [],
        "UsageError: Invalid environment variable PERMUTIVE_REQUEST_TIMEOUT (option requestTimeout): Expected a duration but received \"banana\""
      ],
      [
        "PERMUTIVE_PREFETCH=-1",
        { PERMUTIVE_PREFETCH: "-1" },
        [],
        "InvalidOptions: Invalid environment variable PERMUTIVE_PREFETCH (option prefetch; --prefetch sets it too): must be a whole number ≥ 0, got -1. No request was sent."
      ],
      [
        "--prefetch -1",
        {},
        ["--prefetch", "-1"],
        "InvalidOptions: Invalid --prefetch (option prefetch): must be a whole number ≥ 0, got -1. No request was sent."
      ],
      [
        "--prefetch=-1 over PERMUTIVE_PREFETCH=2",
        { PERMUTIVE_PREFETCH: "2" },
        ["--prefetch=-1"],
        "InvalidOptions: Invalid --prefetch (option prefetch): must be a whole number ≥ 0, got -1. No request was sent."
      ],
      [
        "two bad variables",
        { PERMUTIVE_PREFETCH: "x", PERMUTIVE_RETRY_MAX_DELAY: "y" },
        [],
        "UsageError: Invalid environment variables: PERMUTIVE_PREFETCH (option prefetch; --prefetch sets it too): Expected an integer value but received \"x\"; PERMUTIVE_RETRY_MAX_DELAY (option retry.maxDelay): Expected a duration but received \"y\""
      ]
    ]
    for (const [label, env, extra, line] of cases) {
      it.live(label, () =>
        Effect.gen(function*() {
          const run = yield* runCli((url) => [seed.importId, "--base-url", url, ...extra], {
            env: { PERMUTIVE_API_KEY: key, ...env }
          })
          assert.strictEqual(run.code, 2)
          assert.strictEqual(run.stderr, `taxonomy-export: ${line}\n`)
          assert.strictEqual(run.api.requests.length, 0)
        }))
    }

    it.live("a bad PERMUTIVE_BASE_URL, overridden by --base-url", () =>
      Effect.gen(function*() {
        const dir = mkdtempSync(join(tmpdir(), "cli-"))
        const fromEnv = yield* runCli(() => [seed.importId, "--out", join(dir, "a.ndjson")], {
          env: { PERMUTIVE_API_KEY: key, PERMUTIVE_BASE_URL: "ftp://example.com" }
        })
        assert.strictEqual(fromEnv.code, 2)
        assert.strictEqual(
          fromEnv.stderr,
          "taxonomy-export: InvalidOptions: Invalid environment variable PERMUTIVE_BASE_URL (option baseUrl; --base-url sets it too): must be an absolute http:// or https:// URL, got \"ftp://example.com\". No request was sent.\n"
        )
        const fromFlag = yield* runCli((url) => [seed.importId, "--base-url", url, "-o", join(dir, "b.ndjson")], {
          env: { PERMUTIVE_API_KEY: key, PERMUTIVE_BASE_URL: "ftp://example.com" }
        })
        assert.strictEqual(fromFlag.code, 0, fromFlag.stderr)
        assert.isTrue(existsSync(join(dir, "b.ndjson")))
      }))
  })
})
