import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as FakeHttpClient from "@effect-taxonomy/testing/FakeHttpClient"
import * as FakeServer from "@effect-taxonomy/testing/FakeServer"
import type * as FakeTaxonomyApi from "@effect-taxonomy/testing/FakeTaxonomyApi"
import * as SeedData from "@effect-taxonomy/testing/SeedData"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/** A recognisable key: tests search every rendered error for it. */
export const apiKey = "0f7d2c1e-5a4b-4c3d-9e8f-1a2b3c4d5e6f"

/** Small delays so retries take milliseconds. */
export const fastRetry = { baseDelay: "1 millis", maxDelay: "5 millis" } as const

export type Transport = "memory" | "loopback"
export const transports: ReadonlyArray<Transport> = ["memory", "loopback"]

/**
 * The client over the fake API: in memory (`FakeHttpClient`) or over a real
 * loopback server through the node adapter (undici).
 */
export const clientLayer = (
  transport: Transport,
  api: FakeTaxonomyApi.FakeTaxonomyApi,
  options: TaxonomyClient.Options = {}
): Layer.Layer<TaxonomyClient.TaxonomyClient> => {
  const settings = { apiKey: Redacted.make(apiKey), retry: fastRetry, ...options }
  return transport === "memory"
    ? TaxonomyClient.layer({ baseUrl: "http://fake.local", ...settings }).pipe(Layer.provide(FakeHttpClient.layer(api)))
    : Layer.unwrapScoped(
      Effect.map(FakeServer.make(api), (server) => NodeTaxonomyClient.layer({ baseUrl: server.url, ...settings }))
    )
}

export const seedImport = (count: number, seed = 1) => SeedData.generateImport({ seed, count })
