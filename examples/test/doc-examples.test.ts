/**
 * The reference docs are generated from doc comments (`pnpm docgen`). This test
 * holds them to two rules: every exported name of every public module has a
 * doc comment with an `@example`, and every example type-checks against the
 * packages as a user would import them.
 */
import { assert, describe, it } from "@effect/vitest"
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = fileURLToPath(new URL("../..", import.meta.url))
const packages = ["core", "node", "browser", "testing"]

const publicModules = packages.flatMap((pkg) => {
  const dir = join(root, "packages", pkg, "src")
  return readdirSync(dir)
    .filter((file) => file.endsWith(".ts") && file !== "index.ts" && file !== "bin.ts")
    .map((file) => ({ pkg, file, path: join(dir, file) }))
})

interface Exported {
  readonly module: string
  readonly name: string
  readonly jsdoc: string
}

const exportedDeclarations = (path: string, module: string): ReadonlyArray<Exported> => {
  const text = readFileSync(path, "utf8")
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true)
  const out: Array<Exported> = []
  for (const statement of source.statements) {
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined
    if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue
    const jsdoc = ts.getJSDocCommentsAndTags(statement).map((d) => d.getText()).join("\n")
    if (jsdoc.includes("@internal")) continue
    const names = ts.isVariableStatement(statement)
      ? statement.declarationList.declarations.map((d) => d.name.getText())
      : "name" in statement && statement.name !== undefined
      ? [(statement.name as ts.Identifier).getText()]
      : ["(anonymous)"]
    for (const name of names) out.push({ module, name, jsdoc })
  }
  return out
}

const examplesOf = (jsdoc: string): ReadonlyArray<string> =>
  [...jsdoc.matchAll(/@example[\s\S]*?```ts\n([\s\S]*?)```/g)].map((m) =>
    m[1]!.split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n")
  )

const all = publicModules.flatMap(({ file, path, pkg }) => exportedDeclarations(path, `${pkg}/${file}`))

describe("reference documentation", () => {
  it("documents every exported name of every public module with an example", () => {
    assert.isAbove(all.length, 150)
    // a name declared twice (a schema and its companion type, a tag and its
    // namespace) is one name: one of its declarations carries the example
    const documented = new Set(all.filter((e) => examplesOf(e.jsdoc).length > 0).map((e) => `${e.module}: ${e.name}`))
    const missing = [...new Set(all.map((e) => `${e.module}: ${e.name}`))].filter((name) => !documented.has(name))
    assert.deepStrictEqual(missing, [])
  })

  it("type-checks every example as a user would write it", () => {
    const dir = join(root, "examples", ".doc-examples")
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const files: Array<string> = []
    const seen = new Set<string>()
    all.forEach((e) => {
      const key = `${e.module}:${e.name}`
      if (seen.has(key)) return
      seen.add(key)
      examplesOf(e.jsdoc).forEach((code, i) => {
        const file = join(dir, `${files.length}_${e.module.replace(/[/.]/g, "_")}_${e.name}_${i}.ts`)
        writeFileSync(file, `${code}\nexport {}\n`)
        files.push(file)
      })
    })
    const program = ts.createProgram(files, {
      strict: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
      types: ["node"],
      typeRoots: [join(root, "examples", "node_modules", "@types")]
    })
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) =>
      d.file === undefined || files.includes(d.file.fileName)
    )
    const report = diagnostics.map((d) =>
      `${d.file?.fileName.replace(dir + "/", "") ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
    )
    rmSync(dir, { recursive: true, force: true })
    assert.isAbove(files.length, 150)
    assert.deepStrictEqual(report, [])
  }, 120_000)
})
