/**
 * The fake Taxonomy API on its own, for trying the client, the command line
 * or your own code without a key:
 *
 *   pnpm fake-api                 # an ephemeral loopback port
 *   pnpm fake-api -- --port 8787
 *
 * It serves the same seeded imports as `pnpm demo`, takes any API key, and
 * prints its URL and its imports (id and segment count), one per line, then
 * serves until Ctrl-C. Point anything at it:
 *
 *   PERMUTIVE_BASE_URL=<url> PERMUTIVE_API_KEY=any pnpm tsx examples/src/script.ts <importId>
 *   PERMUTIVE_API_KEY=any pnpm taxonomy-export <importId> --base-url <url>
 */
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import { parseArgs } from "node:util"
import { demoImport, demoImports } from "./demo-data.js"

const usage = "usage: pnpm fake-api [-- --port PORT]   (PORT 0, the default, picks a free one)"

const parsed = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2).filter((arg) => arg !== "--"),
      options: { port: { type: "string", default: "0" }, help: { type: "boolean", short: "h", default: false } }
    })
  } catch (error) {
    console.error(`fake-api: ${(error as Error).message}\n${usage}`)
    return process.exit(2)
  }
})()
const values = parsed.values
if (values.help === true) {
  console.log(usage)
  process.exit(0)
}
const port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`fake-api: --port must be a port number (0 for any), got ${JSON.stringify(values.port)}`)
  process.exit(2)
}

const server = await FakeServer.start(FakeTaxonomyApi.make({ imports: demoImports, pageSize: 100 }), { port }).catch(
  (error: NodeJS.ErrnoException) => {
    console.error(
      error.code === "EADDRINUSE"
        ? `fake-api: port ${port} is in use; pick another with --port, or 0 for any free one`
        : `fake-api: could not start: ${error.message}`
    )
    return process.exit(1)
  }
)
console.log(`fake Taxonomy API at ${server.url} (any API key; Ctrl-C to stop)`)
for (const seed of demoImports) {
  console.log(`${seed.importId}  ${seed.segments.length} segments${seed === demoImport ? "  (the demo's import)" : ""}`)
}
const stop = () => void server.close().then(() => process.exit(0))
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
