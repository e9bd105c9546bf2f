/**
 * A fake Taxonomy API for tests: seeded data, a store and request handler,
 * fault plans, an in-memory `HttpClient`, and a real loopback HTTP server.
 *
 * @since 0.1.0
 */

/**
 * Deterministic, realistic segments and imports from a seed.
 *
 * @since 0.1.0
 */
export * as SeedData from "./SeedData.js"

/**
 * Faults the fake API can inject, and plans deciding which request meets which.
 *
 * @since 0.1.0
 */
export * as FaultPlan from "./FaultPlan.js"

/**
 * The fake endpoint: store, pure request handler, request log, error shapes.
 *
 * @since 0.1.0
 */
export * as FakeTaxonomyApi from "./FakeTaxonomyApi.js"

/**
 * An in-memory `HttpClient` backed by a `FakeTaxonomyApi`.
 *
 * @since 0.1.0
 */
export * as FakeHttpClient from "./FakeHttpClient.js"

/**
 * The fake API on a real loopback HTTP server (node only).
 *
 * @since 0.1.0
 */
export * as FakeServer from "./FakeServer.js"

/**
 * @since 0.1.0
 */
export * as TaxonomyClientTest from "./TaxonomyClientTest.js"
