import { assert, describe, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))
// loaded at run time: the root config file is not part of this TypeScript project
const projects: ReadonlyArray<string> = (await import(pathToFileURL(join(root, "vitest.workspace.ts")).href)).default

describe("vitest.workspace.ts", () => {
  it("lists every package and example that has tests, so `pnpm test` runs them all", () => {
    const withTests = ["packages", "examples"].flatMap((dir) =>
      [dir === "examples" ? "examples" : undefined, ...readdirSync(join(root, dir)).map((name) => join(dir, name))]
        .filter((p): p is string => p !== undefined && existsSync(join(root, p, "package.json")))
        .filter((p) => existsSync(join(root, p, "test")))
    )
    assert.includeMembers(withTests, [
      "packages/core",
      "packages/testing",
      "packages/node",
      "packages/browser",
      "packages/bench",
      "examples",
      "examples/browser"
    ])
    for (const project of withTests) assert.include(projects, project, `${project} has tests but is not a test project`)
  })

  it("names projects whose vitest config exists", () => {
    for (const project of projects) assert.isTrue(existsSync(join(root, project, "vitest.config.ts")), project)
  })

  it("exports every public module of every package, in development and as published", () => {
    for (const pkg of ["core", "node", "browser", "testing"]) {
      const dir = join(root, "packages", pkg)
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
      const modules = readdirSync(join(dir, "src"))
        .filter((f) => f.endsWith(".ts") && f !== "index.ts" && f !== "bin.ts")
        .map((f) => `./${f.slice(0, -3)}`)
        .sort()
      assert.deepStrictEqual(Object.keys(manifest.exports).sort(), [".", ...modules].sort(), pkg)
      assert.deepStrictEqual(Object.keys(manifest.publishConfig.exports).sort(), [".", ...modules].sort(), pkg)
      for (const m of modules) {
        assert.strictEqual(manifest.exports[m], `./src/${m.slice(2)}.ts`)
        assert.deepStrictEqual(manifest.publishConfig.exports[m], {
          types: `./dist/${m.slice(2)}.d.ts`,
          default: `./dist/${m.slice(2)}.js`
        })
      }
      assert.deepStrictEqual(manifest.sideEffects, [], pkg)
      assert.strictEqual(manifest.license, "MIT")
      assert.isTrue(existsSync(join(dir, "LICENSE")) && existsSync(join(dir, "README.md")), pkg)
      assert.strictEqual(manifest.peerDependencies.effect, "^3.22.4", pkg)
    }
  })

  it("keeps exactly one copy of effect in the tree", () => {
    const copies = readdirSync(join(root, "node_modules", ".pnpm")).filter((name) => /^effect@\d/.test(name))
    assert.deepStrictEqual(copies, ["effect@3.22.4"])
    const lock = readFileSync(join(root, "pnpm-lock.yaml"), "utf8")
    assert.deepStrictEqual([...new Set(lock.match(/^ {2}effect@[\d.]+:/gm))], ["  effect@3.22.4:"])
  })
})
