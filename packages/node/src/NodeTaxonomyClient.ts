/**
 * The Taxonomy client on Node.js, over `@effect/platform-node`'s undici
 * transport, with options from the environment.
 *
 * @since 0.1.0
 */
import * as TaxonomyClient from "@effect-taxonomy/core/TaxonomyClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/**
 * The client over undici, with the options you give.
 *
 * @example
 * ```ts
 * import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
 * import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* TaxonomyClient
 *   return yield* Stream.runCount(client.segments("9f87bd3e-32eb-4d15-8e85-17fb275fa809"))
 * }).pipe(Effect.provide(NodeTaxonomyClient.layer({ apiKey: Redacted.make(process.env.PERMUTIVE_API_KEY!) })))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: TaxonomyClient.Options): Layer.Layer<TaxonomyClient.TaxonomyClient> =>
  TaxonomyClient.layer(options).pipe(Layer.provide(NodeHttpClient.layerUndici))

/**
 * The environment variables {@link layerConfig} reads.
 *
 * @example
 * ```ts
 * import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
 *
 * console.log(`set ${NodeTaxonomyClient.environment.apiKey}`) // set PERMUTIVE_API_KEY
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const environment = {
  apiKey: "PERMUTIVE_API_KEY",
  baseUrl: "PERMUTIVE_BASE_URL",
  requestTimeout: "PERMUTIVE_REQUEST_TIMEOUT",
  prefetch: "PERMUTIVE_PREFETCH",
  maxAttempts: "PERMUTIVE_RETRY_MAX_ATTEMPTS",
  maxDelay: "PERMUTIVE_RETRY_MAX_DELAY",
  maxElapsed: "PERMUTIVE_RETRY_MAX_ELAPSED",
  maxRetryAfter: "PERMUTIVE_RETRY_MAX_RETRY_AFTER"
} as const

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

/**
 * The client's options read from the environment, except the key (see
 * {@link environment}); all optional, durations like `10 seconds`.
 *
 * @example
 * ```ts
 * import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const options = Effect.runSync(NodeTaxonomyClient.optionsFromEnvWithoutKey)
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const optionsFromEnvWithoutKey: Config.Config<Omit<TaxonomyClient.Options, "apiKey">> = Config.all({
  baseUrl: optional(Config.nonEmptyString(environment.baseUrl)),
  requestTimeout: optional(Config.duration(environment.requestTimeout)),
  prefetch: optional(Config.integer(environment.prefetch)),
  retry: Config.all({
    maxAttempts: optional(Config.integer(environment.maxAttempts)),
    maxDelay: optional(Config.duration(environment.maxDelay)),
    maxElapsed: optional(Config.duration(environment.maxElapsed)),
    maxRetryAfter: optional(Config.duration(environment.maxRetryAfter))
  })
})

/**
 * The client's options read from the environment (see {@link environment}):
 * `PERMUTIVE_API_KEY` is required and read as a `Redacted`; the rest are
 * optional (durations like `10 seconds`).
 *
 * @example
 * ```ts
 * import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
 * import * as Effect from "effect/Effect"
 *
 * const options = Effect.runSync(NodeTaxonomyClient.optionsFromEnv)
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const optionsFromEnv: Config.Config<TaxonomyClient.Options> = Config.map(
  // read as a string and redacted at once: `Config.redacted` would also
  // redact the message of a missing key, which names nothing then
  Config.all([
    Config.string(environment.apiKey).pipe(
      Config.validate({ message: "is empty", validation: (key) => key.trim() !== "" }),
      Config.map(Redacted.make)
    ),
    optionsFromEnvWithoutKey
  ]),
  ([apiKey, rest]) => ({ apiKey, ...rest })
)

/**
 * The client over undici with options from the environment, overridden by
 * any you pass.
 *
 * @example
 * ```ts
 * import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
 *
 * // PERMUTIVE_API_KEY=... node script.js
 * const live = NodeTaxonomyClient.layerConfig({ prefetch: 2 })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides?: TaxonomyClient.Options
): Layer.Layer<TaxonomyClient.TaxonomyClient, ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.map(optionsFromEnv, (fromEnv) =>
      layer({
        ...fromEnv,
        ...overrides,
        retry: { ...fromEnv.retry, ...overrides?.retry }
      }))
  )
