/**
 * Production builds of the example with Vite's JavaScript API: the page
 * (`index.html` and `src/main.ts`) and, on its own, the minimal entry
 * (`minimal.ts`). Used by the browser test and by `size.ts`;
 * `pnpm --filter @effect-taxonomy/example-browser build` writes the page to `dist/`.
 */
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "vite"
import type { InlineConfig } from "vite"

/** This example's directory (Vite's root). */
export const root: string = Path.dirname(fileURLToPath(import.meta.url))

const base = (outDir: string): InlineConfig => ({
  root,
  configFile: false,
  envFile: false,
  logLevel: "warn",
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false
  }
})

/** The Vite config of the page. */
export const pageConfig = (outDir: string): InlineConfig => base(outDir)

/** The Vite config of the minimal entry: one JavaScript entry, no HTML. */
export const minimalConfig = (outDir: string): InlineConfig => {
  const config = base(outDir)
  return {
    ...config,
    build: {
      ...config.build,
      rollupOptions: { input: { minimal: Path.join(root, "minimal.ts") } }
    }
  }
}

/** Builds the page into `outDir`. */
export const buildPage = async (outDir: string): Promise<void> => {
  await build(pageConfig(outDir))
}

/** Builds the minimal entry into `outDir`. */
export const buildMinimal = async (outDir: string): Promise<void> => {
  await build(minimalConfig(outDir))
}

if (process.argv[1] !== undefined && Path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = Path.join(root, "dist")
  await buildPage(outDir)
  console.log(`built the page into ${outDir}`)
}
