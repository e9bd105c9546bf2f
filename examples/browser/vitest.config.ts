import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.ts"

// a production build and a real Chromium: give hooks and tests more time
export default mergeConfig(
  shared,
  defineProject({ test: { name: "example-browser", testTimeout: 120_000, hookTimeout: 120_000 } })
)
