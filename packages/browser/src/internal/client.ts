/**
 * The browser layer: base URL resolution, the fetch transport, and the key
 * policy (none unless explicitly, loudly asked for).
 *
 * @internal
 */
import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Layer from "effect/Layer"
import type * as BrowserTaxonomyClient from "../BrowserTaxonomyClient.js"

/** @internal */
export const defaultBaseUrl = "/api/taxonomy"

const pageOrigin = (): string | undefined => {
  const location = (globalThis as { readonly location?: { readonly origin?: unknown } }).location
  return location !== undefined && typeof location.origin === "string" && location.origin !== "null"
    ? location.origin
    : undefined
}

/** @internal */
export const resolveBaseUrl = (baseUrl: string, origin: string | undefined = pageOrigin()): string => {
  const trimmed = baseUrl.trim()
  let resolved = trimmed
  if (!/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && origin !== undefined) {
    try {
      resolved = new URL(trimmed, origin.replace(/\/*$/, "/")).href
    } catch {
      resolved = trimmed
    }
  }
  return resolved.replace(/\/+$/, "")
}

const transport = (options: BrowserTaxonomyClient.Options): Layer.Layer<HttpClient.HttpClient> => {
  let layer: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer
  if (options.fetch !== undefined) {
    layer = Layer.provide(layer, Layer.succeed(FetchHttpClient.Fetch, options.fetch))
  }
  if (options.requestInit !== undefined) {
    layer = Layer.provide(layer, Layer.succeed(FetchHttpClient.RequestInit, options.requestInit))
  }
  return layer
}

const coreOptions = (options: BrowserTaxonomyClient.Options): TaxonomyClient.Options => {
  // drop anything that is not a client option, and a key smuggled in past the types
  const { apiKey: _apiKey, baseUrl, fetch: _fetch, requestInit: _requestInit, ...rest } = options as
    & BrowserTaxonomyClient.Options
    & { readonly apiKey?: unknown; readonly dangerouslyShipPrivateKeyToBrowser?: unknown }
  const { dangerouslyShipPrivateKeyToBrowser: _flag, ...clean } = rest as typeof rest & {
    readonly dangerouslyShipPrivateKeyToBrowser?: unknown
  }
  return { ...clean, baseUrl: resolveBaseUrl(baseUrl ?? defaultBaseUrl) }
}

/** @internal */
export const layer = (options: BrowserTaxonomyClient.Options = {}): Layer.Layer<TaxonomyClient.TaxonomyClient> =>
  TaxonomyClient.layer(coreOptions(options)).pipe(Layer.provide(transport(options)))

/** @internal */
export const layerWithApiKeyUnsafe = (
  options: BrowserTaxonomyClient.UnsafeApiKeyOptions
): Layer.Layer<TaxonomyClient.TaxonomyClient> => {
  if ((options.dangerouslyShipPrivateKeyToBrowser as unknown) !== true) {
    throw new TypeError(
      "BrowserTaxonomyClient.layerWithApiKeyUnsafe: set dangerouslyShipPrivateKeyToBrowser: true to send a private " +
        "key from a browser; anyone who opens the page can read it. Prefer a backend proxy (TaxonomyProxy)."
    )
  }
  return TaxonomyClient.layer({ ...coreOptions(options), apiKey: options.apiKey }).pipe(
    Layer.provide(transport(options))
  )
}
