/**
 * The example's backend, for the dev script and the browser test: the fake
 * Taxonomy API on loopback (it insists on an API key, like the real one),
 * the key-adding `TaxonomyProxy` in front of it, and a one-origin site that
 * serves the page's files and mounts the proxy at `/api/taxonomy`.
 */
import * as TaxonomyProxy from "@effect-taxonomy/node/TaxonomyProxy"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import type * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import type * as SeedData from "@effect-taxonomy/testing/SeedData"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type * as Net from "node:net"
import * as Path from "node:path"

/** Where the page expects the proxy. */
export const proxyPrefix = "/api/taxonomy"

/** The handler type of `node:http`. */
export type Handler = (request: Http.IncomingMessage, response: Http.ServerResponse) => void

/** The fake API and the proxy in front of it. */
export interface Backend {
  readonly fake: FakeServer.Service
  /** The proxy, mounted at {@link proxyPrefix}. */
  readonly proxy: Handler
  readonly close: () => Promise<void>
}

/** Starts the fake API (requiring `apiKey`) and a proxy that adds `apiKey`. */
export const startBackend = async (options: {
  readonly apiKey: string
  readonly imports: ReadonlyArray<SeedData.SeedImport>
  readonly pageSize?: number
  readonly faults?: FaultPlan.FaultPlan
}): Promise<Backend> => {
  const fake = await FakeServer.start(FakeTaxonomyApi.make({
    imports: options.imports,
    apiKey: options.apiKey,
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    ...(options.faults !== undefined ? { faults: options.faults } : {})
  }))
  const proxy = TaxonomyProxy.nodeHandler({
    apiKey: Redacted.make(options.apiKey),
    upstream: fake.url,
    prefix: proxyPrefix
  })
  return { fake, proxy, close: fake.close }
}

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".ico": "image/x-icon"
}

/** Serves the files of `dir` (`/` is `index.html`), GET and HEAD only. */
export const serveStatic = (dir: string): Handler => {
  const rootDir = Path.resolve(dir)
  return (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://site").pathname)
    const file = Path.resolve(rootDir, "." + (pathname.endsWith("/") ? pathname + "index.html" : pathname))
    if (!file.startsWith(rootDir + Path.sep) || !Fs.existsSync(file) || !Fs.statSync(file).isFile()) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found")
      return
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end()
      return
    }
    response.writeHead(200, {
      "content-type": contentTypes[Path.extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store"
    })
    if (request.method === "HEAD") response.end()
    else Fs.createReadStream(file).pipe(response)
  }
}

/** What the site saw of one request to the proxy. */
export interface SiteRequest {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
}

/** A running one-origin site. */
export interface Site {
  readonly url: string
  /** Every request that reached the proxy mount, oldest first. */
  readonly proxyRequests: ReadonlyArray<SiteRequest>
  readonly close: () => Promise<void>
}

/** One `node:http` server on loopback: the proxy at {@link proxyPrefix}, static files elsewhere. */
export const startSite = (options: {
  readonly proxy: Handler
  readonly files: Handler
  readonly port?: number
}): Promise<Site> => {
  const proxyRequests: Array<SiteRequest> = []
  const server = Http.createServer((request, response) => {
    const url = request.url ?? "/"
    if (url === proxyPrefix || url.startsWith(proxyPrefix + "/") || url.startsWith(proxyPrefix + "?")) {
      proxyRequests.push({ method: request.method ?? "GET", url, headers: { ...request.headers } })
      return options.proxy(request, response)
    }
    return options.files(request, response)
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        get proxyRequests() {
          return proxyRequests.slice()
        },
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })
}
