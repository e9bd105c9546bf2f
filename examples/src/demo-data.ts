/**
 * The seeded imports `pnpm demo` and `pnpm fake-api` serve: the demo import
 * (12,345 segments, 124 pages of 100) and three smaller ones.
 */
import * as SeedData from "@effect-taxonomy/testing/SeedData"

/** The demo import: 12,345 segments, 124 pages of 100. */
export const demoImport = SeedData.generateImport({ seed: 2026, count: 12_345 })

/** The import id the README's examples use: served too, so they run against the fake API as written. */
export const readmeImport = SeedData.generateImport({
  seed: "readme",
  importId: "9f87bd3e-32eb-4d15-8e85-17fb275fa809",
  count: 250
})

/** Every import the demo's fake API serves. */
export const demoImports = [
  demoImport,
  ...SeedData.generateImports({ seed: 7, count: 3, segments: [40, 900] }),
  readmeImport
]
