/**
 * `pnpm bench`: the benchmark suite.
 *
 * It bundles the measuring child and the fake API server with esbuild (plain
 * `node` processes: no TypeScript loader in the measured heap), starts the
 * fake API as a separate process on loopback, and runs every measurement in
 * a fresh child process, variants alternating repetition by repetition. It
 * prints markdown tables: medians, with the spread.
 *
 * Options (all optional): `--smoke` (tiny sizes, for CI), `--reps N`,
 * `--pages N`, `--page-size N`, `--only throughput,decode,memory,prefetch,imports,startup`,
 * `--memory-large N`, `--memory-small N`, `--latency MS`, `--prefetch-pages N`,
 * `--work MS`, `--imports N`, `--import-pages N`, `--concurrency N`,
 * `--decode-ms MS`, `--startup-reps N`, `--variants floor,naive,library,library-prefetch-0,library-prefetch-2`,
 * `--cpu-prof DIR` (a `.cpuprofile` of every child and server in DIR),
 * `--json FILE` (every figure, machine-readable).
 *
 * @since 0.1.0
 */
import * as esbuild from "esbuild"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Readline from "node:readline"
import * as Url from "node:url"
import * as Util from "node:util"
import type { Task } from "./child.js"
import type { DecodeRow } from "./decode.js"
import type { ServerSpec } from "./fake-server.js"
import type { Variant } from "./variants.js"

const here = Path.dirname(Url.fileURLToPath(import.meta.url))

const { values: flags } = Util.parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    smoke: { type: "boolean", default: false },
    reps: { type: "string" },
    pages: { type: "string" },
    "page-size": { type: "string" },
    only: { type: "string" },
    "memory-large": { type: "string" },
    "memory-small": { type: "string" },
    "memory-reps": { type: "string" },
    latency: { type: "string" },
    "prefetch-pages": { type: "string" },
    work: { type: "string" },
    imports: { type: "string" },
    "import-pages": { type: "string" },
    concurrency: { type: "string" },
    "decode-ms": { type: "string" },
    "startup-reps": { type: "string" },
    variants: { type: "string" },
    "cpu-prof": { type: "string" },
    json: { type: "string" }
  }
})

const smoke = flags.smoke === true
const num = (value: string | undefined, full: number, tiny: number): number => {
  if (value !== undefined) {
    const n = Number(value)
    if (!Number.isFinite(n) || n < 0) throw new Error(`not a number: ${value}`)
    return n
  }
  return smoke ? tiny : full
}

const config = {
  reps: num(flags.reps, 5, 1),
  pages: num(flags.pages, 1000, 4),
  pageSize: num(flags["page-size"], 100, 10),
  memoryLarge: num(flags["memory-large"], 1_000_000, 400),
  memorySmall: num(flags["memory-small"], 100_000, 40),
  memoryReps: num(flags["memory-reps"], 3, 1),
  latency: num(flags.latency, 20, 5),
  prefetchPages: num(flags["prefetch-pages"], 40, 3),
  work: num(flags.work, 20, 5),
  imports: num(flags.imports, 16, 4),
  importPages: num(flags["import-pages"], 8, 2),
  concurrency: num(flags.concurrency, 8, 2),
  decodeMs: num(flags["decode-ms"], 1500, 20),
  startupReps: num(flags["startup-reps"], 11, 1)
}
const sections = new Set((flags.only ?? "throughput,decode,memory,prefetch,imports,startup").split(","))
const apiKey = "5b3f8d8e-7c55-4a44-9d3c-1f4f3b8b1e42"

// ---------------------------------------------------------------------------
// processes

const bundle = async (): Promise<string> => {
  // with --cpu-prof the bundle (and its source map) stays next to the profiles
  const outdir = flags["cpu-prof"] !== undefined
    ? Path.join(Path.resolve(flags["cpu-prof"]), "bundle")
    : Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-taxonomy-bench-"))
  await esbuild.build({
    entryPoints: { child: Path.join(here, "child.ts"), "fake-server": Path.join(here, "fake-server.ts") },
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    logLevel: "error",
    // CommonJS dependencies (undici) call require() on Node built-ins
    banner: {
      js:
        "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
    }
  })
  return outdir
}

interface Server {
  readonly url: string
  readonly imports: Readonly<Record<string, string>>
  readonly stop: () => Promise<void>
}

const startServer = (outdir: string, spec: ServerSpec): Promise<Server> =>
  new Promise((resolve, reject) => {
    const child = ChildProcess.spawn(process.execPath, [
      ...profiling,
      Path.join(outdir, "fake-server.mjs"),
      JSON.stringify(spec)
    ], {
      stdio: ["pipe", "pipe", "inherit"]
    })
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`fake server exited (${code}) before it was ready`)))
    const lines = Readline.createInterface({ input: child.stdout! })
    lines.once("line", (line) => {
      const ready = JSON.parse(line) as { url: string; imports: Record<string, string> }
      resolve({
        ...ready,
        stop: () => {
          child.stdin!.end()
          child.kill("SIGTERM")
          return exited
        }
      })
    })
  })

const profiling = flags["cpu-prof"] !== undefined
  ? ["--cpu-prof", `--cpu-prof-dir=${Path.resolve(flags["cpu-prof"])}`]
  : []

const measure = <A = Record<string, number>>(outdir: string, task: Task): Promise<A & { maxRssKb: number }> =>
  new Promise((resolve, reject) => {
    const args = [...profiling, Path.join(outdir, "child.mjs"), JSON.stringify(task)]
    ChildProcess.execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`${task.kind} failed: ${stderr || error.message}`))
      const last = stdout.trim().split("\n").pop()!
      resolve(JSON.parse(last))
    })
  })

// ---------------------------------------------------------------------------
// figures

const median = (xs: ReadonlyArray<number>): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const ms = (x: number) => `${x.toFixed(0)} ms`
const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`
const rate = (x: number) => `${Math.round(x).toLocaleString("en-US")}/s`
const spread = (xs: ReadonlyArray<number>) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`)
  ].join("\n")

const out: Array<string> = []
const print = (text = "") => {
  out.push(text)
  console.log(text)
}
const json: Record<string, unknown> = { config }
const verdicts: Array<{ target: string; value: string; met: boolean }> = []
const verdict = (target: string, value: string, met: boolean) => verdicts.push({ target, value, met })

// ---------------------------------------------------------------------------
// sections

const throughput = async (outdir: string) => {
  const server = await startServer(outdir, {
    imports: { main: config.pages * config.pageSize, warmup: Math.min(config.pages, 100) * config.pageSize },
    pageSize: config.pageSize,
    apiKey
  })
  const variants = (flags.variants ?? "floor,naive,library,library-prefetch-0,library-prefetch-2").split(
    ","
  ) as ReadonlyArray<Variant>
  const runs = new Map<Variant, Array<{ wallMs: number; segments: number; maxRssKb: number }>>(
    variants.map((v) => [v, []])
  )
  try {
    for (let rep = 0; rep < config.reps; rep++) {
      // alternate: each repetition runs every variant once, starting one further along
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(i + rep) % variants.length]!
        const result = await measure<{ wallMs: number; segments: number }>(outdir, {
          kind: "throughput",
          variant,
          url: server.url,
          apiKey,
          importId: server.imports.main!,
          warmupImportId: server.imports.warmup!
        })
        if (result.segments !== config.pages * config.pageSize) {
          throw new Error(`${variant} read ${result.segments} segments, expected ${config.pages * config.pageSize}`)
        }
        runs.get(variant)!.push(result)
      }
    }
  } finally {
    await server.stop()
  }
  const floorMs = runs.has("floor") ? median(runs.get("floor")!.map((r) => r.wallMs)) : NaN
  const labels: Record<Variant, string> = {
    floor: "floor: fetch + JSON.parse, no validation",
    naive: "naive Effect client (HttpClient + schemaBodyJson + paginateChunkEffect)",
    library: "this library (NodeTaxonomyClient, full validation, prefetch 1)",
    "library-prefetch-0": "this library, prefetch 0",
    "library-prefetch-2": "this library, prefetch 2"
  }
  const rows = variants.map((variant) => {
    const walls = runs.get(variant)!.map((r) => r.wallMs)
    const wall = median(walls)
    const rss = median(runs.get(variant)!.map((r) => r.maxRssKb))
    json[`throughput.${variant}`] = {
      wallMs: wall,
      walls,
      segmentsPerSecond: (config.pages * config.pageSize) / (wall / 1000),
      ratio: wall / floorMs,
      maxRssKb: rss
    }
    return [
      labels[variant],
      ms(wall),
      spread(walls),
      rate((config.pages * config.pageSize) / (wall / 1000)),
      `${(wall / floorMs).toFixed(2)}×`,
      mb(rss)
    ]
  })
  print(`### Throughput: ${config.pages} pages × ${config.pageSize} segments over loopback (medians of ${config.reps})`)
  print()
  print(table(["variant", "wall", "range (ms)", "segments/s", "× floor", "peak RSS"], rows))
  print()
  const ratio = runs.has("library") ? median(runs.get("library")!.map((r) => r.wallMs)) / floorMs : NaN
  verdict("full-validation stream ≤ 1.2× the floor", `${ratio.toFixed(2)}×`, ratio <= 1.2)
}

const decode = async (outdir: string) => {
  const result = await measure<{ rows: Array<DecodeRow> }>(outdir, {
    kind: "decode",
    segments: smoke ? 200 : 10_000,
    pageSize: config.pageSize,
    millis: config.decodeMs
  })
  json.decode = result.rows
  const paths = [...new Set(result.rows.map((r) => r.path))]
  const cell = (path: string, spelling: string) => {
    const row = result.rows.find((r) => r.path === path && r.spelling === spelling)!
    return `${rate(row.segmentsPerSecond)} (${row.microsPerPage.toFixed(0)} µs/page)`
  }
  print(`### Page decoding: ${config.pageSize}-segment SeedData pages, in-process micro-benchmark`)
  print()
  print(
    table(
      ["path", "snake_case pages", "camelCase {value} pages"],
      paths.map((p) => [p, cell(p, "snake"), cell(p, "camel")])
    )
  )
  print()
  const decodeRate = Math.min(
    ...result.rows.filter((r) => r.path === "JSON.parse + decodePage").map((r) => r.segmentsPerSecond)
  )
  verdict(
    "page decoding ≥ 500,000 segments/s (JSON.parse + decodePage, slower spelling)",
    rate(decodeRate),
    decodeRate >= 500_000
  )
}

const memory = async (outdir: string) => {
  const server = await startServer(outdir, {
    imports: { large: config.memoryLarge, small: config.memorySmall },
    pageSize: config.pageSize,
    apiKey
  })
  const sizes = [["small", config.memorySmall], ["large", config.memoryLarge]] as const
  const variants = ["floor", "effect", "library"] as const
  const key = (variant: string, name: string) => `${variant}.${name}`
  const runs = new Map<string, Array<{ wallMs: number; segments: number; maxRssKb: number }>>()
  try {
    for (let rep = 0; rep < config.memoryReps; rep++) {
      for (const variant of rep % 2 === 0 ? variants : [...variants].reverse()) {
        for (const [name, count] of rep % 2 === 0 ? sizes : [...sizes].reverse()) {
          const result = await measure<{ wallMs: number; segments: number }>(outdir, {
            kind: "memory",
            variant,
            url: server.url,
            apiKey,
            importId: server.imports[name]!
          })
          if (result.segments !== count) {
            throw new Error(`memory ${variant} ${name}: ${result.segments} segments, expected ${count}`)
          }
          runs.set(key(variant, name), [...(runs.get(key(variant, name)) ?? []), result])
        }
      }
    }
  } finally {
    await server.stop()
  }
  const rssOf = (variant: string, name: string) => median(runs.get(key(variant, name))!.map((r) => r.maxRssKb))
  const rows = variants.flatMap((variant) =>
    sizes.map(([name, count]) => {
      const rss = rssOf(variant, name)
      const wall = median(runs.get(key(variant, name))!.map((r) => r.wallMs))
      json[variant === "library" ? `memory.${name}` : `memory.${variant}.${name}`] = {
        segments: count,
        maxRssKb: rss,
        wallMs: wall
      }
      return [
        variant === "library"
          ? "this library (Stream.runForEach, one effect per segment)"
          : variant === "effect"
          ? "Effect loop: HttpClient (undici) + JSON.parse, no validation"
          : "floor: fetch + JSON.parse",
        `${count.toLocaleString("en-US")} segments`,
        mb(rss),
        ms(wall),
        rate(count / (wall / 1000))
      ]
    })
  )
  print(`### Memory: every segment of an import, one process per run (medians of ${config.memoryReps})`)
  print()
  print(table(["stream", "import", "peak RSS", "wall", "segments/s"], rows))
  print()
  const large = rssOf("library", "large")
  const small = rssOf("library", "small")
  verdict(
    `peak RSS streaming ${config.memoryLarge.toLocaleString("en-US")} segments ≤ 100 MB`,
    mb(large),
    large <= 100 * 1024
  )
  verdict(
    `… and ≤ 10% above ${config.memorySmall.toLocaleString("en-US")} segments`,
    `+${(((large - small) / small) * 100).toFixed(1)}%`,
    large <= small * 1.1
  )
}

const prefetch = async (outdir: string) => {
  const server = await startServer(outdir, {
    imports: { paged: config.prefetchPages * config.pageSize },
    pageSize: config.pageSize,
    latency: config.latency,
    apiKey
  })
  const settings = [0, 1, 2] as const
  const runs = new Map<number, Array<number>>(settings.map((p) => [p, []]))
  try {
    for (let rep = 0; rep < config.reps; rep++) {
      for (let i = 0; i < settings.length; i++) {
        const p = settings[(i + rep) % settings.length]!
        const result = await measure<{ wallMs: number; pages: number }>(outdir, {
          kind: "prefetch",
          url: server.url,
          apiKey,
          importId: server.imports.paged!,
          prefetch: p,
          workMs: config.work
        })
        if (result.pages !== config.prefetchPages) throw new Error(`prefetch ${p}: ${result.pages} pages`)
        runs.get(p)!.push(result.wallMs)
      }
    }
  } finally {
    await server.stop()
  }
  const sequential = median(runs.get(0)!)
  const rows = settings.map((p) => {
    const wall = median(runs.get(p)!)
    json[`prefetch.${p}`] = { wallMs: wall, walls: runs.get(p), ratio: wall / sequential }
    return [
      p === 1 ? "prefetch 1 (default)" : `prefetch ${p}`,
      ms(wall),
      spread(runs.get(p)!),
      `${(wall / sequential).toFixed(2)}×`
    ]
  })
  print(
    `### Prefetch: ${config.prefetchPages} pages, ${config.latency} ms server latency, ${config.work} ms of consumer work per page (medians of ${config.reps})`
  )
  print()
  print(table(["setting", "wall", "range (ms)", "× prefetch 0"], rows))
  print()
  const ratio = median(runs.get(1)!) / sequential
  verdict("prefetch (default) ≤ 0.55× of prefetch 0", `${ratio.toFixed(2)}×`, ratio <= 0.55)
}

const imports = async (outdir: string) => {
  const names = Array.from({ length: config.imports }, (_, i) => `import-${i}`)
  const server = await startServer(outdir, {
    imports: Object.fromEntries(names.map((n) => [n, config.importPages * config.pageSize])),
    pageSize: config.pageSize,
    latency: config.latency,
    apiKey
  })
  const settings = [1, config.concurrency] as const
  const runs = new Map<number, Array<number>>(settings.map((c) => [c, []]))
  try {
    for (let rep = 0; rep < config.reps; rep++) {
      for (const c of rep % 2 === 0 ? settings : [...settings].reverse()) {
        const result = await measure<{ wallMs: number; segments: number }>(outdir, {
          kind: "imports",
          url: server.url,
          apiKey,
          importIds: names.map((n) => server.imports[n]!),
          concurrency: c
        })
        const expected = config.imports * config.importPages * config.pageSize
        if (result.segments !== expected) {
          throw new Error(`imports at ${c}: ${result.segments} segments, expected ${expected}`)
        }
        runs.get(c)!.push(result.wallMs)
      }
    }
  } finally {
    await server.stop()
  }
  const sequential = median(runs.get(1)!)
  const rows = settings.map((c) => {
    const wall = median(runs.get(c)!)
    json[`imports.${c}`] = { wallMs: wall, walls: runs.get(c), speedup: sequential / wall }
    return [
      c === 1 ? "one after another (concurrency 1)" : `concurrency ${c}`,
      ms(wall),
      spread(runs.get(c)!),
      `${(sequential / wall).toFixed(2)}×`
    ]
  })
  print(
    `### Many imports: ${config.imports} imports × ${config.importPages} pages × ${config.pageSize} segments, ${config.latency} ms server latency, segmentsOfImports (medians of ${config.reps})`
  )
  print()
  print(table(["setting", "wall", "range (ms)", "speed-up"], rows))
  print()
  const speedup = sequential / median(runs.get(config.concurrency)!)
  verdict(
    `${config.imports} imports at concurrency ${config.concurrency} ≥ 7× faster than one after another`,
    `${speedup.toFixed(2)}×`,
    speedup >= 7
  )
}

/**
 * Milliseconds from spawning `node args` to the first chunk it writes on
 * stdout; the process must then exit with 0.
 */
const firstLine = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    let first: number | undefined
    const child = ChildProcess.spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    child.stderr!.on("data", (chunk) => (stderr += chunk))
    child.stdout!.on("data", () => {
      if (first === undefined) first = performance.now() - start
    })
    child.once("error", reject)
    child.once("exit", (code) => {
      if (code !== 0 || first === undefined) return reject(new Error(`${args.join(" ")}: exit ${code}, ${stderr}`))
      resolve(first)
    })
  })

const startup = async (outdir: string) => {
  // the command as it ships: `pnpm build`'s bundle and its code-cached launcher
  const cli = Path.join(here, "..", "..", "node", "dist", "cli", "taxonomy-export.cjs")
  await new Promise<void>((resolve, reject) =>
    ChildProcess.execFile(
      process.execPath,
      [Path.join(here, "..", "..", "node", "scripts", "bundle-cli.mjs")],
      (error) => error === null ? resolve() : reject(error)
    )
  )
  const server = await startServer(outdir, {
    imports: { small: 10 * config.pageSize },
    pageSize: config.pageSize,
    apiKey
  })
  const env = {
    ...process.env,
    PERMUTIVE_API_KEY: apiKey,
    TMPDIR: Fs.mkdtempSync(Path.join(Os.tmpdir(), "bench-cli-"))
  }
  const runs = { node: [] as Array<number>, cli: [] as Array<number>, cold: 0 }
  try {
    const cliArgs = [cli, server.imports.small!, "--base-url", server.url, "--quiet"]
    // the first run has no V8 code cache yet (a fresh TMPDIR): it writes one
    runs.cold = await firstLine(cliArgs, env)
    for (let rep = 0; rep < config.startupReps; rep++) {
      runs.node.push(await firstLine(["-e", "console.log('{}')"], env))
      runs.cli.push(await firstLine(cliArgs, env))
    }
  } finally {
    await server.stop()
    Fs.rmSync(env.TMPDIR, { recursive: true, force: true })
  }
  const node = median(runs.node)
  const warm = median(runs.cli)
  json["startup.node"] = { firstLineMs: node, runs: runs.node }
  json["startup.cli"] = { firstLineMs: warm, runs: runs.cli, coldMs: runs.cold }
  print(
    `### Start-up: process start to the first line of output, against a running server (medians of ${config.startupReps})`
  )
  print()
  print(table(["process", "first line", "range (ms)"], [
    ["floor: `node -e \"console.log('{}')\"`", ms(node), spread(runs.node)],
    ["`taxonomy-export <importId> --quiet` (first page fetched, decoded, written)", ms(warm), spread(runs.cli)],
    ["… its very first run (no V8 code cache yet)", ms(runs.cold), spread([runs.cold])]
  ]))
  print()
  verdict("taxonomy-export: process start to first output line ≤ 400 ms", ms(warm), warm <= 400)
}

// ---------------------------------------------------------------------------

const main = async () => {
  const cpus = Os.cpus()
  print(`## Results`)
  print()
  print(
    `- machine: ${cpus[0]?.model ?? "unknown CPU"}, ${Os.availableParallelism()} cores, ${
      (Os.totalmem() / 2 ** 30).toFixed(0)
    } GB; ${Os.type()} ${Os.release()}`
  )
  print(`- Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`)
  print(
    `- command: \`pnpm bench${process.argv.slice(2).filter((a) => a !== "--").map((a) => ` ${a}`).join("")}\`${
      smoke ? " (smoke sizes: the figures mean nothing)" : ""
    }`
  )
  print()
  const outdir = await bundle()
  try {
    if (sections.has("throughput")) await throughput(outdir)
    if (sections.has("decode")) await decode(outdir)
    if (sections.has("memory")) await memory(outdir)
    if (sections.has("prefetch")) await prefetch(outdir)
    if (sections.has("imports")) await imports(outdir)
    if (sections.has("startup")) await startup(outdir)
  } finally {
    if (flags["cpu-prof"] === undefined) Fs.rmSync(outdir, { recursive: true, force: true })
  }
  print(`### Targets`)
  print()
  // at smoke sizes the figures mean nothing: no verdict is given
  print(
    table(
      ["target", "measured", "met"],
      verdicts.map((v) => [v.target, v.value, smoke ? "(smoke size: not judged)" : v.met ? "yes" : "no"])
    )
  )
  json.targets = verdicts
  if (flags.json !== undefined) Fs.writeFileSync(flags.json, JSON.stringify(json, null, 2))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
