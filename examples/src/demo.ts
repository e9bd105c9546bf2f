/**
 * The main job: stream every segment of an import to NDJSON.
 *
 *   pnpm demo                         # against the embedded fake API (no key needed)
 *   pnpm demo -- --out segments.ndjson
 *   PERMUTIVE_API_KEY=... pnpm demo -- <importId>   # against the real API
 *
 * NDJSON goes to stdout (or --out FILE); a summary goes to stderr. Exits
 * non-zero with a one-line reason on any failure.
 */
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as SegmentExport from "@effect-taxonomy/node/SegmentExport"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import { createWriteStream } from "node:fs"
import type { Writable } from "node:stream"

/** The demo import: 12,345 segments, 124 pages of 100. */
export const demoImport = SeedData.generateImport({ seed: 2026, count: 12_345 })
export const demoImports = [
  demoImport,
  ...SeedData.generateImports({ seed: 7, count: 3, segments: [40, 900] })
]

const usage = "usage: pnpm demo -- [importId] [--out FILE]"

const parseArgs = (argv: ReadonlyArray<string>) => {
  let importId: string | undefined
  let out: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--") continue
    if (arg === "--out" || arg === "-o") {
      out = argv[++i]
      if (out === undefined) throw new Error(`--out needs a file name; ${usage}`)
    } else if (arg === "--help" || arg === "-h") {
      process.stderr.write(usage + "\n")
      process.exit(0)
    } else if (arg.startsWith("-")) {
      throw new Error(`unknown option ${arg}; ${usage}`)
    } else if (importId === undefined) {
      importId = arg
    } else {
      throw new Error(`unexpected argument ${arg}; ${usage}`)
    }
  }
  return { importId, out }
}

const main = Effect.gen(function*() {
  const args = parseArgs(process.argv.slice(2))
  const key = process.env.PERMUTIVE_API_KEY
  const real = key !== undefined && key !== "" && args.importId !== undefined
  const importId = args.importId ?? demoImport.importId
  const server = real
    ? undefined
    : yield* FakeServer.make(FakeTaxonomyApi.make({ imports: demoImports, pageSize: 100 }))
  const output: Writable = args.out === undefined
    ? process.stdout
    : yield* Effect.acquireRelease(
      Effect.sync(() => createWriteStream(args.out!)),
      (stream) => Effect.async<void>((resume) => void stream.end(() => resume(Effect.void)))
    )
  const layer = server === undefined
    ? NodeTaxonomyClient.layerConfig()
    : NodeTaxonomyClient.layer({ baseUrl: server.url, apiKey: Redacted.make("demo-key") })
  const summary = yield* SegmentExport.run({ importId, output }).pipe(Effect.provide(layer))
  const seconds = (summary.elapsedMillis / 1000).toFixed(2)
  const total = summary.totalCount === undefined
    ? "the server gave no total count"
    : summary.matchesTotal
    ? `matches the server's total count of ${summary.totalCount}`
    : `DOES NOT match the server's total count of ${summary.totalCount}`
  process.stderr.write(
    `${server === undefined ? "Permutive API" : `fake API at ${server.url}`}: import ${importId}: ` +
      `${summary.segments} segments in ${summary.pages} pages, ${seconds}s; ${total}` +
      `${args.out !== undefined ? `; written to ${args.out}` : ""}\n`
  )
  return summary.matchesTotal !== false
}).pipe(Effect.scoped)

Effect.runPromiseExit(main).then((exit) => {
  if (Exit.isSuccess(exit)) {
    if (!exit.value) process.exitCode = 1
    return
  }
  // a TaxonomyError's message says what happened, where, and what to do
  const error = Cause.squash(exit.cause)
  const message = error instanceof Error ? error.message : String(error)
  const tag = typeof error === "object" && error !== null && "_tag" in error ? `${String(error._tag)}: ` : ""
  process.stderr.write(`demo failed: ${tag}${message.split("\n")[0]}\n`)
  process.exitCode = 1
})
