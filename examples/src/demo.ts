/**
 * The main job: stream every segment of an import to NDJSON with the
 * `taxonomy-export` command of the node package.
 *
 *   pnpm demo                          # against the embedded fake API (no key needed)
 *   pnpm demo -- --out segments.ndjson
 *   pnpm demo -- --format csv
 *   PERMUTIVE_API_KEY=... pnpm demo -- <importId>   # against the real API
 *
 * Without a key, the fake API serves several seeded imports on a loopback
 * port; the default import has 12,345 segments over 124 pages. Segments go to
 * stdout (or --out FILE), progress and a summary to stderr; any failure exits
 * non-zero with a one-line reason (see `taxonomy-export --help`).
 */
import * as Cli from "@effect-taxonomy/node/Cli"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { demoImport, demoImports } from "./demo-data.js"

/** The options of `taxonomy-export` that take a value: the word after one is not the import id. */
const valued = new Set(["-o", "--out", "-f", "--format", "--key-file", "--base-url", "--from", "--prefetch"])

/** Whether the arguments name an import (a word that is neither an option nor an option's value). */
const importGiven = (argv: ReadonlyArray<string>): boolean =>
  argv.some((arg, i) => !arg.startsWith("-") && !valued.has(argv[i - 1] ?? ""))

const main = Effect.gen(function*() {
  const argv = process.argv.slice(2).filter((arg) => arg !== "--")
  const io = { stdout: process.stdout, stderr: process.stderr, stderrIsTTY: process.stderr.isTTY === true }
  const key = process.env.PERMUTIVE_API_KEY
  const named = importGiven(argv)
  // a resume command names this one
  const invocation = { command: "pnpm demo --", args: argv }
  if (key !== undefined && key !== "" && named) return yield* Cli.run(argv, { ...io, invocation })
  if (argv.includes("--help") || argv.includes("-h")) return yield* Cli.run(argv, io)

  // no key and import id: the fake API on a loopback port, and a demo key
  const server = yield* FakeServer.make(FakeTaxonomyApi.make({ imports: demoImports, pageSize: 100 }))
  if (!argv.includes("--quiet") && !argv.includes("-q")) {
    process.stderr.write(
      `demo: using the fake API at ${server.url} (set PERMUTIVE_API_KEY and an import id for the real one)\n`
    )
  }
  // (without the fake API's address, which is gone by then)
  return yield* Cli.run([...argv, ...(named ? [] : [demoImport.importId]), "--base-url", server.url], {
    ...io,
    invocation
  }).pipe(
    Effect.withConfigProvider(
      ConfigProvider.fromMap(new Map([["PERMUTIVE_API_KEY", "demo-key"]])).pipe(
        ConfigProvider.orElse(() => ConfigProvider.fromEnv())
      )
    )
  )
}).pipe(Effect.scoped)

// Ctrl-C interrupts the export as it does taxonomy-export's: the output is closed, the fake API stopped
Cli.runMain(main.pipe(Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer))))
