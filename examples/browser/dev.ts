/**
 * Development: the fake Taxonomy API (seeded with `SeedData`, insisting on
 * an API key like the real one), the key-adding proxy in front of it, and
 * the Vite dev server for the page with the proxy mounted at `/api/taxonomy`.
 * Prints the page's URL with an import to open.
 *
 *   pnpm --filter @effect-taxonomy/example-browser dev
 *
 * `PORT` picks the page's port (default 5173). Every page of the fake API
 * answers after `SLOW_MS` milliseconds (default 150) so you can watch the
 * segments stream in.
 */
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import { createServer } from "vite"
import { root } from "./build.js"
import { proxyPrefix, startBackend } from "./stack.js"

/** The fake API's key: it lives in this process only, never in the page. */
const devApiKey = SeedData.uuid("example-browser", "dev-api-key")

const imports = SeedData.generateImports({ seed: 2024, count: 3, segments: [80, 250] })
const slowMs = Number(process.env.SLOW_MS ?? 150)

const backend = await startBackend({
  apiKey: devApiKey,
  imports,
  pageSize: 25,
  ...(slowMs > 0 ? { faults: FaultPlan.always(FaultPlan.slow(slowMs)) } : {})
})

const vite = await createServer({
  root,
  configFile: false,
  envFile: false,
  server: { host: "127.0.0.1", port: Number(process.env.PORT ?? 5173) },
  plugins: [{
    name: "taxonomy-proxy",
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const url = request.url ?? "/"
        if (url === proxyPrefix || url.startsWith(proxyPrefix + "/") || url.startsWith(proxyPrefix + "?")) {
          backend.proxy(request, response)
        } else {
          next()
        }
      })
    }
  }]
})
await vite.listen()

const pageUrl = (vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vite.config.server.port}/`).replace(/\/?$/, "/")
console.log(`fake Taxonomy API: ${backend.fake.url} (requires its own key; the proxy adds it)`)
console.log(`proxy:             ${pageUrl.replace(/\/$/, "")}${proxyPrefix}`)
console.log("")
for (const entry of imports) {
  console.log(`  ${entry.segments.length} segments: ${pageUrl}?import=${entry.importId}`)
}
console.log(`  unknown import:  ${pageUrl}?import=${SeedData.uuid("example-browser", "unknown")}`)
console.log("")
console.log(`page: ${pageUrl}?import=${imports[0]!.importId}`)

const shutdown = async () => {
  await vite.close()
  await backend.close()
  process.exit(0)
}
process.once("SIGINT", shutdown)
process.once("SIGTERM", shutdown)
