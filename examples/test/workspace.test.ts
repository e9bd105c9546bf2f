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
    assert.includeMembers(withTests, ["packages/core", "packages/testing", "packages/node", "examples"])
    for (const project of withTests) assert.include(projects, project, `${project} has tests but is not a test project`)
  })

  it("names projects whose vitest config exists", () => {
    for (const project of projects) assert.isTrue(existsSync(join(root, project, "vitest.config.ts")), project)
  })

  it("keeps exactly one copy of effect in the tree", () => {
    const copies = readdirSync(join(root, "node_modules", ".pnpm")).filter((name) => /^effect@\d/.test(name))
    assert.deepStrictEqual(copies, ["effect@3.22.4"])
    const lock = readFileSync(join(root, "pnpm-lock.yaml"), "utf8")
    assert.deepStrictEqual([...new Set(lock.match(/^ {2}effect@[\d.]+:/gm))], ["  effect@3.22.4:"])
  })
})
