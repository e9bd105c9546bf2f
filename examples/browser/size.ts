/**
 * What the browser client costs a page: builds the example page and the
 * minimal entry (`minimal.ts`, one import streamed and counted) for
 * production with Vite, and prints the raw and gzipped byte counts of their
 * JavaScript (gzip level 9, each file on its own, summed).
 *
 *   pnpm --filter @effect-taxonomy/example-browser size
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Zlib from "node:zlib"
import { buildMinimal, buildPage } from "./build.js"

interface Measured {
  readonly files: ReadonlyArray<{ readonly name: string; readonly raw: number; readonly gzip: number }>
  readonly raw: number
  readonly gzip: number
}

const filesUnder = (dir: string): Array<string> =>
  Fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(Path.join(dir, entry.name)) : [Path.join(dir, entry.name)]
  )

/** Raw and gzipped sizes of the files of `dir` whose names end with `extension`. */
export const measure = (dir: string, extension: string): Measured => {
  const files = filesUnder(dir)
    .filter((file) => file.endsWith(extension))
    .map((file) => {
      const bytes = Fs.readFileSync(file)
      return { name: Path.relative(dir, file), raw: bytes.length, gzip: Zlib.gzipSync(bytes, { level: 9 }).length }
    })
  return {
    files,
    raw: files.reduce((sum, f) => sum + f.raw, 0),
    gzip: files.reduce((sum, f) => sum + f.gzip, 0)
  }
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`

const report = (label: string, measured: Measured) => {
  console.log(`${label}: ${measured.gzip} bytes gzipped (${kib(measured.gzip)}), ${measured.raw} bytes raw`)
  for (const f of measured.files) console.log(`  ${f.name}: ${f.gzip} gzipped, ${f.raw} raw`)
}

const work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "taxonomy-size-"))
try {
  const pageDir = Path.join(work, "page")
  const minimalDir = Path.join(work, "minimal")
  await buildPage(pageDir)
  await buildMinimal(minimalDir)
  report("example page JavaScript", measure(pageDir, ".js"))
  report("example page HTML (with its CSS)", measure(pageDir, ".html"))
  report("minimal entry JavaScript", measure(minimalDir, ".js"))
} finally {
  Fs.rmSync(work, { recursive: true, force: true })
}
