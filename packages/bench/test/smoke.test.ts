/**
 * CI runs the benchmark suite at smoke size so it keeps working. Nothing here
 * judges a time: the suite itself checks that every variant read exactly the
 * segments the server holds (and exits non-zero otherwise); this test checks
 * that every section ran and reported every figure.
 */
import { assert, describe, it } from "@effect/vitest"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Url from "node:url"

const root = Url.fileURLToPath(new URL("../../..", import.meta.url))

describe("pnpm bench --smoke", () => {
  it("runs every section and reports every target", () => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "bench-smoke-"))
    const jsonFile = Path.join(dir, "figures.json")
    try {
      const stdout = ChildProcess.execFileSync(
        process.execPath,
        ["--import", "tsx", "packages/bench/src/main.ts", "--smoke", "--json", jsonFile],
        { cwd: root, encoding: "utf8", timeout: 120_000 }
      )
      for (
        const heading of [
          "### Throughput: 4 pages × 10 segments over loopback (medians of 1)",
          "### Page decoding: 10-segment SeedData pages, in-process micro-benchmark",
          "### Memory: every segment of an import, one process per run (medians of 1)",
          "### Prefetch: 3 pages, 5 ms server latency, 5 ms of consumer work per page (medians of 1)",
          "### Many imports: 4 imports × 2 pages × 10 segments, 5 ms server latency, segmentsOfImports (medians of 1)",
          "### Start-up: process start to the first line of output, against a running server (medians of 1)",
          "### Targets"
        ]
      ) {
        assert.include(stdout, heading)
      }
      const figures = JSON.parse(Fs.readFileSync(jsonFile, "utf8")) as {
        readonly targets: ReadonlyArray<{ readonly target: string; readonly value: string; readonly met: boolean }>
      } & Record<string, unknown>
      assert.deepStrictEqual(Object.keys(figures).filter((key) => key !== "config" && key !== "targets").sort(), [
        "decode",
        "imports.1",
        "imports.2",
        "memory.effect.large",
        "memory.effect.small",
        "memory.floor.large",
        "memory.floor.small",
        "memory.large",
        "memory.small",
        "prefetch.0",
        "prefetch.1",
        "prefetch.2",
        "startup.cli",
        "startup.node",
        "throughput.floor",
        "throughput.library",
        "throughput.library-prefetch-0",
        "throughput.library-prefetch-2",
        "throughput.naive"
      ])
      assert.deepStrictEqual(figures.targets.map((t) => t.target), [
        "full-validation stream ≤ 1.2× the floor",
        "page decoding ≥ 500,000 segments/s (JSON.parse + decodePage, slower spelling)",
        "peak RSS streaming 400 segments ≤ 100 MB",
        "… and ≤ 10% above 40 segments",
        "prefetch (default) ≤ 0.55× of prefetch 0",
        "4 imports at concurrency 2 ≥ 7× faster than one after another",
        "taxonomy-export: process start to first output line ≤ 400 ms"
      ])
      for (const target of figures.targets) assert.match(target.value, /^[+]?[\d,.]+(×|%|\/s| MB| ms)$/)
    } finally {
      Fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})
