/**
 * The published executable: the bundled command behind its code-cache
 * launcher, run as a real process against a loopback server.
 */
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile, execFileSync } from "node:child_process"
import { existsSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const pkg = fileURLToPath(new URL("..", import.meta.url))
const launcher = join(pkg, "dist", "cli", "taxonomy-export.cjs")
const seed = SeedData.generateImport({ seed: 21, count: 320 })
const key = "3b241101-e2bb-4255-8caf-4136c566a962"

const exec = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
    const child = execFile(
      process.execPath,
      [launcher, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error === null ? 0 : (error.code as number), stdout, stderr }))
    )
    return Effect.sync(() => child.kill())
  })

describe("the bundled taxonomy-export executable", () => {
  it.live(
    "builds, runs cold and warm from its code cache, and exports every segment",
    () =>
      Effect.scoped(Effect.gen(function*() {
        execFileSync(process.execPath, [join(pkg, "scripts", "bundle-cli.mjs")])
        const cacheDir = join(tmpdir(), "effect-taxonomy-cli")
        rmSync(cacheDir, { recursive: true, force: true })
        const server = yield* FakeServer.make(FakeTaxonomyApi.make({ imports: [seed], pageSize: 100, apiKey: key }))
        for (const run of ["cold", "warm"]) {
          const result = yield* exec([seed.importId, "--base-url", server.url, "--quiet"], { PERMUTIVE_API_KEY: key })
          assert.strictEqual(result.code, 0, `${run}: ${result.stderr}`)
          assert.strictEqual(result.stderr, "")
          const ids = result.stdout.trim().split("\n").map((line) => JSON.parse(line).id)
          assert.deepStrictEqual(ids, seed.segments.map((s) => s.id), run)
          assert.strictEqual(
            readdirSync(cacheDir).filter((f) => f.endsWith(".cache")).length,
            1,
            `${run}: one cache file`
          )
        }
        const version = yield* exec(["--version"], {})
        assert.strictEqual(version.stdout.trim(), "0.1.0")
        const failed = yield* exec(["not-a-uuid", "--base-url", server.url], { PERMUTIVE_API_KEY: key })
        assert.strictEqual(failed.code, 2)
        assert.isTrue(existsSync(launcher))
      })),
    { timeout: 60_000 }
  )
})
