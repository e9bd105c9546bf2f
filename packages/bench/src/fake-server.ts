/**
 * The fake Taxonomy API as its own process, for the benchmarks: seeded with
 * `SeedData`, on a loopback port, optionally with a fixed latency per
 * response. It prints one JSON line on stdout, `{ "url", "imports": { name:
 * importId } }`, then serves until stdin closes or it gets SIGTERM.
 *
 * Usage: `node fake-server.mjs '<json ServerSpec>'`
 *
 * @since 0.1.0
 */
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as SeedData from "@effect-taxonomy/testing/SeedData"

/**
 * What the server holds and how it answers.
 *
 * @since 0.1.0
 */
export interface ServerSpec {
  /** Imports by name: how many segments each has. */
  readonly imports: Readonly<Record<string, number>>
  readonly pageSize: number
  /** Milliseconds before every response (default 0). */
  readonly latency?: number
  /** The key the server requires. */
  readonly apiKey: string
}

/** Above this many segments, a seeded block is repeated with fresh ids (SeedData alone would take seconds). */
const BLOCK = 20_000

const segmentsFor = (name: string, count: number): SeedData.SeedImport => {
  const importId = SeedData.uuid("bench-import", name)
  if (count <= BLOCK) return { importId, segments: SeedData.generateSegments({ importId, count, seed: name }) }
  const block = SeedData.generateSegments({ importId, count: BLOCK, seed: name })
  const segments: Array<SeedData.WireSegment> = new Array(count)
  for (let i = 0; i < count; i++) segments[i] = { ...block[i % BLOCK]!, id: SeedData.uuid("bench-segment", name, i) }
  return { importId, segments }
}

const main = async () => {
  const spec = JSON.parse(process.argv[2] ?? "{}") as ServerSpec
  const imports = Object.entries(spec.imports).map(([name, count]) => [name, segmentsFor(name, count)] as const)
  const api = FakeTaxonomyApi.make({
    imports: imports.map(([, seed]) => seed),
    pageSize: spec.pageSize,
    apiKey: spec.apiKey
  })
  const server = await FakeServer.start(api, { latency: spec.latency ?? 0, keepAliveTimeout: 60_000 })
  // the store keeps a log of every request; a benchmark makes many thousands
  const trim = setInterval(() => api.clearRequests(), 1_000)
  process.stdout.write(
    JSON.stringify({
      url: server.url,
      imports: Object.fromEntries(imports.map(([name, seed]) => [name, seed.importId]))
    }) +
      "\n"
  )
  const stop = () => {
    clearInterval(trim)
    void server.close().then(() => process.exit(0))
  }
  process.on("SIGTERM", stop)
  process.stdin.on("end", stop)
  process.stdin.resume()
}

void main()
