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
import * as Layer from "effect/Layer"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PassThrough } from "node:stream"

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
      stderrIsTTY: options.tty ?? false
    }).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(env)),
      Effect.provide(environment)
    )
    return { code, stdout: stdout.text(), stderr: stderr.text(), api }
  }))

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

  it.live("prints the token to resume from on failure; resuming with --append completes the file", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "cli-"))
      const out = join(dir, "segments.ndjson")
      const api = FakeTaxonomyApi.make({
        imports: [seed],
        pageSize: 50,
        apiKey: key,
        faults: FaultPlan.scripted([{ page: 3, times: 2, fault: FaultPlan.serverError({ status: 503, body: "html" }) }])
      })
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
    }))
})
