/**
 * The one list of test projects. `vitest.config.ts` feeds it to
 * `test.projects`, so `pnpm test` runs every project named here, and
 * `examples/test/workspace.test.ts` fails if a package is missing from it.
 */
export default [
  "packages/core",
  "packages/testing",
  "packages/node",
  "packages/browser",
  "packages/bench",
  "examples",
  "examples/browser"
]
