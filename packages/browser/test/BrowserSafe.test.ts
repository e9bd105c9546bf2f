/**
 * The browser package's import graph holds only browser-safe code: bundling
 * its entry for the browser platform reaches no Node built-in (`node:fs`,
 * `http`, ...), no Node-only package, and nothing of the node adapter.
 */
import { assert, describe, it } from "@effect/vitest"
import * as esbuild from "esbuild"
import { builtinModules } from "node:module"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const packageDir = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]))

const bundle = async (entry: string | { readonly contents: string }) => {
  const nodeImports: Array<string> = []
  const result = await esbuild.build({
    ...(typeof entry === "string"
      ? { entryPoints: [Path.join(packageDir, entry)] }
      : { stdin: { contents: entry.contents, resolveDir: packageDir, loader: "ts" as const } }),
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [{
      name: "record-node-builtins",
      setup(build) {
        build.onResolve({ filter: /.*/ }, (args) => {
          if (args.path.startsWith("node:") || builtins.has(args.path.split("/")[0]!)) {
            const from = args.importer.endsWith("<stdin>") ? "<stdin>" : Path.relative(packageDir, args.importer)
            nodeImports.push(`${args.path} (from ${from})`)
            return { path: args.path, external: true }
          }
          return undefined
        })
      }
    }]
  })
  return { nodeImports, inputs: Object.keys(result.metafile.inputs), text: result.outputFiles[0]!.text }
}

describe("browser-safe import graph", () => {
  for (const entry of ["src/index.ts", "src/BrowserTaxonomyClient.ts"]) {
    it(`${entry} bundles for the browser without any Node built-in`, async () => {
      const { inputs, nodeImports, text } = await bundle(entry)
      assert.deepStrictEqual(nodeImports, [])
      assert.notInclude(text, "node:")
      assert.isTrue(inputs.some((file) => file.includes("packages/core/src/TaxonomyClient.ts")))
      assert.isTrue(inputs.some((file) =>
        file.includes("@effect/platform/dist/esm/FetchHttpClient.js") ||
        file.includes("@effect/platform/src/FetchHttpClient.ts")
      ))
      const nodeOnly = inputs.filter((file) =>
        /@effect\/platform-node|undici|packages\/node\/|packages\/testing\//.test(file)
      )
      assert.deepStrictEqual(nodeOnly, [])
    }, 60_000)
  }

  it("the guard works: a Node built-in in the graph is caught", async () => {
    const { nodeImports } = await bundle({
      contents: `import { readFileSync } from "node:fs"\nimport * as Http from "http"\nconsole.log(readFileSync, Http)`
    })
    assert.deepStrictEqual(nodeImports, ["node:fs (from <stdin>)", "http (from <stdin>)"])
  }, 60_000)
})
