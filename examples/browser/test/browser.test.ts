/**
 * The example page in a real Chromium (Debian's `/usr/bin/chromium`, driven
 * by playwright-core; no browser download): the production build served from
 * one loopback origin with the key-adding proxy at `/api/taxonomy`, in front
 * of the fake Taxonomy API, which insists on the server's key.
 *
 * Chromium missing is a failure, not a skip: `.ci/run` installs it.
 */
import { DoesNotExist, InvalidImportId, RateLimited } from "@effect-taxonomy/core/TaxonomyError"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FaultPlan from "@effect-taxonomy/testing/FaultPlan"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { chromium } from "playwright-core"
import type { BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll } from "vitest"
import { buildPage } from "../build.js"
import { describeError } from "../src/messages.js"
import { serveStatic, startBackend, startSite } from "../stack.js"
import type { Backend, Site } from "../stack.js"

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/** The server's key: the fake API wants it, the proxy adds it, the page must never see it. */
const serverKey = SeedData.uuid("example-browser-test", "server-key")
const main = SeedData.generateImport({ seed: 7, count: 137 })
const slow = SeedData.generateImport({ seed: 8, count: 60 })
const unknownImport = SeedData.uuid("example-browser-test", "unknown-import")
const pageSize = 20

let work: string
let outDir: string
let backend: Backend
let site: Site
let context: BrowserContext
let page: Page
const pageErrors: Array<string> = []

/** Why the setup failed, if it did: every test then fails with it (a missing Chromium is never a skip). */
let setupError: unknown

const setUp = async () => {
  if (!Fs.existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is missing at ${chromiumPath}: install it with \`apt-get install -y chromium\` (.ci/run does), ` +
        "or point CHROMIUM_PATH at a Chromium binary."
    )
  }
  work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "taxonomy-browser-test-"))
  outDir = Path.join(work, "dist")
  await buildPage(outDir)
  backend = await startBackend({ apiKey: serverKey, imports: [main, slow], pageSize })
  site = await startSite({ proxy: backend.proxy, files: serveStatic(outDir) })
  context = await chromium.launchPersistentContext(Path.join(work, "profile"), {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs
  })
  page = context.pages()[0] ?? await context.newPage()
  page.on("pageerror", (error) => pageErrors.push(String(error)))
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text())
  })
}

beforeAll(async () => {
  try {
    await setUp()
  } catch (error) {
    setupError = error
  }
})

/** Throws the setup's failure, so each test fails with it instead of being skipped. */
const ready = () => {
  if (setupError !== undefined) throw setupError
}

afterAll(async () => {
  await context?.close()
  await site?.close()
  await backend?.close()
  if (work !== undefined) Fs.rmSync(work, { recursive: true, force: true })
})

/** Opens the page for `importId` and waits until the load is over. */
const open = async (importId: string): Promise<string> => {
  await page.goto(`${site.url}/?import=${encodeURIComponent(importId)}`)
  await page.waitForSelector("body:not([data-state=\"loading\"]):not([data-state=\"idle\"])", { timeout: 30_000 })
  return (await page.getAttribute("body", "data-state")) ?? ""
}

const waitFor = (predicate: (server: FakeServer.Service) => boolean, timeoutMs = 10_000) =>
  Effect.runPromise(FakeServer.waitUntil(backend.fake, predicate, { timeoutMs }))

const delayed = (server: FakeServer.Service) => server.exchanges.filter((e) => e.action === "Delay")

describe("the example page in Chromium", () => {
  it("lists every segment of an import as it streams in, with the count against the total", async () => {
    ready()
    const state = await open(main.importId)
    assert.strictEqual(state, "done", `${await page.textContent("#error")} ${pageErrors.join("\n")}`)
    assert.strictEqual(await page.locator("#segments li").count(), 137)
    assert.strictEqual(await page.textContent("#count"), "137")
    assert.strictEqual(await page.textContent("#total"), "137")
    const names = await page.locator("#segments li .name").allTextContents()
    assert.deepStrictEqual(names, main.segments.map((s) => s.name))
    assert.strictEqual(names[0], main.segments[0]!.name)
    assert.strictEqual(names[68], main.segments[68]!.name)
    assert.strictEqual(names[136], main.segments[136]!.name)
    // seven pages, each fetched once, through the proxy, with the server's key added
    const requests = backend.fake.api.requests.filter((r) => r.path.includes(main.importId))
    assert.strictEqual(requests.length, 7)
    assert.isTrue(requests.every((r) => r.status === 200 && r.headers["x-api-key"] === serverKey))
    assert.deepStrictEqual(pageErrors, [])
  })

  it("the search box filters by name and by code", async () => {
    ready()
    const byCode = main.segments[42]!.code
    const byName = main.segments[10]!.name.split(" ")[0]!.toLowerCase()
    for (const query of [byCode, byName]) {
      await page.fill("#search", query)
      const expected = main.segments.filter((s) => `${s.name}\n${s.code}`.toLowerCase().includes(query.toLowerCase()))
      assert.isAbove(expected.length, 0)
      const visible = await page.locator("#segments li:visible .name").allTextContents()
      assert.deepStrictEqual(visible, expected.map((s) => s.name), query)
      assert.strictEqual(await page.textContent("#shown"), `${expected.length} shown`)
    }
    await page.fill("#search", "")
    assert.strictEqual(await page.locator("#segments li:visible").count(), 137)
  })

  it("an unknown import shows the DoesNotExist message", async () => {
    ready()
    assert.strictEqual(await open(unknownImport), "error")
    assert.strictEqual(await page.getAttribute("#error", "data-tag"), "DoesNotExist")
    assert.strictEqual(
      await page.textContent("#error"),
      describeError(new DoesNotExist({ importId: unknownImport, status: 404 }))
    )
    assert.strictEqual(await page.locator("#segments li").count(), 0)
  })

  it("a non-UUID import id shows the InvalidImportId message and sends nothing", async () => {
    ready()
    const before = site.proxyRequests.length
    assert.strictEqual(await open("not-an-import"), "error")
    assert.strictEqual(await page.getAttribute("#error", "data-tag"), "InvalidImportId")
    assert.strictEqual(
      await page.textContent("#error"),
      describeError(new InvalidImportId({ importId: "not-an-import" }))
    )
    assert.strictEqual(site.proxyRequests.length, before)
  })

  it("a rate limit beyond what the client waits for shows the RateLimited message", async () => {
    ready()
    backend.fake.api.setFaultPlan(FaultPlan.always(FaultPlan.rateLimit(FaultPlan.retryAfterSeconds(120))))
    try {
      assert.strictEqual(await open(main.importId), "error")
      assert.strictEqual(await page.getAttribute("#error", "data-tag"), "RateLimited")
      assert.strictEqual(
        await page.textContent("#error"),
        describeError(new RateLimited({ importId: main.importId, status: 429, retryAfterMillis: 120_000 }))
      )
    } finally {
      backend.fake.api.setFaultPlan(FaultPlan.none)
    }
  })

  it("the stop button aborts the fetch in flight, through the proxy to the API", async () => {
    ready()
    backend.fake.api.setFaultPlan(
      FaultPlan.scripted([{ importId: slow.importId, page: 2, fault: FaultPlan.slow(30_000) }])
    )
    const before = delayed(backend.fake).length
    await page.goto(`${site.url}/?import=${slow.importId}`)
    await page.waitForFunction(() => document.getElementById("count")?.textContent === "20")
    await waitFor((s) => delayed(s).length === before + 1)
    assert.strictEqual(await page.getAttribute("body", "data-state"), "loading")
    await page.click("#stop")
    await page.waitForSelector("body[data-state=\"stopped\"]")
    await waitFor((s) => delayed(s)[before]!.aborted)
    const exchange = delayed(backend.fake)[before]!
    assert.isFalse(exchange.finished)
    assert.include(exchange.url, "pagination_token=")
    assert.strictEqual(await page.locator("#segments li").count(), 20)
  })

  it("leaving the page aborts the fetch in flight", async () => {
    ready()
    backend.fake.api.setFaultPlan(
      FaultPlan.scripted([{ importId: slow.importId, page: 1, fault: FaultPlan.slow(30_000) }])
    )
    const before = delayed(backend.fake).length
    await page.goto(`${site.url}/?import=${slow.importId}`)
    await waitFor((s) => delayed(s).length === before + 1)
    await page.goto("about:blank")
    await waitFor((s) => delayed(s)[before]!.aborted)
    backend.fake.api.setFaultPlan(FaultPlan.none)
  })

  it("the page never sent an API key, and the built bundle does not contain the server's key", () => {
    ready()
    const requests = site.proxyRequests
    assert.isAbove(requests.length, 10)
    for (const request of requests) {
      assert.isUndefined(request.headers["x-api-key"], request.url)
      assert.notInclude(request.url, serverKey)
    }
    assert.isTrue(backend.fake.api.requests.every((r) => r.headers["x-api-key"] === serverKey))
    const files = Fs.readdirSync(outDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    assert.isAbove(files.length, 1)
    for (const entry of files) {
      const text = Fs.readFileSync(Path.join(entry.parentPath, entry.name), "utf8")
      assert.notInclude(text, serverKey, entry.name)
    }
  })
})
