/**
 * How the client retries a page that failed transiently.
 *
 * The retry wraps one whole page step (request and decode) and re-sends the
 * same token, so no page is skipped and no segment is emitted twice. The
 * stream as a whole is never retried.
 *
 * Default: exponential backoff from 250 ms doubling, with ±20% jitter, each
 * delay capped at 10 s, at most 6 attempts per page and 2 minutes per page.
 * A `Retry-After` header (seconds or HTTP-date) on any response replaces the
 * computed delay; one longer than 60 s is not slept on: the error is returned
 * at once, carrying the delay the server asked for.
 *
 * Only transient errors are retried (see `TaxonomyError.isTransient`).
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Schedule from "effect/Schedule"
import type { TaxonomyError } from "./TaxonomyError.js"

/**
 * Retry settings. Every field is optional; unset fields take the defaults
 * from {@link defaults}.
 *
 * @example
 * ```ts
 * import { NodeTaxonomyClient } from "@effect-taxonomy/node"
 * import * as Redacted from "effect/Redacted"
 *
 * const layer = NodeTaxonomyClient.layer({
 *   apiKey: Redacted.make(process.env.PERMUTIVE_API_KEY!),
 *   retry: { maxAttempts: 10, maxDelay: "30 seconds" }
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Attempts per page, the first included. `1` disables retries. */
  readonly maxAttempts?: number | undefined
  /** The first delay of the exponential backoff. */
  readonly baseDelay?: Duration.DurationInput | undefined
  /** The cap on each computed delay (jitter included). */
  readonly maxDelay?: Duration.DurationInput | undefined
  /** The most time spent retrying one page. */
  readonly maxElapsed?: Duration.DurationInput | undefined
  /** The longest `Retry-After` the client will wait; longer requests fail at once. */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
  /**
   * Replaces the exponential backoff with your own schedule. It still only
   * sees transient errors, `Retry-After` still overrides its delays, and
   * `maxAttempts` / `maxElapsed` still bound it.
   */
  readonly schedule?: Schedule.Schedule<unknown, TaxonomyError> | undefined
}

/**
 * Fully resolved retry settings.
 *
 * @example
 * ```ts
 * import * as RetryPolicy from "@effect-taxonomy/core/RetryPolicy"
 * import * as Duration from "effect/Duration"
 *
 * const settings: RetryPolicy.Settings = RetryPolicy.resolve({ baseDelay: "1 second" })
 * Duration.toMillis(settings.baseDelay) // 1000
 * settings.maxAttempts // 6
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly maxAttempts: number
  readonly baseDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  readonly maxElapsed: Duration.Duration
  readonly maxRetryAfter: Duration.Duration
  readonly schedule: Schedule.Schedule<unknown, TaxonomyError> | undefined
}

/**
 * The defaults: 6 attempts, 250 ms base delay doubling with jitter, 10 s cap
 * per delay, 2 minutes per page, `Retry-After` honoured up to 60 s.
 *
 * @example
 * ```ts
 * import * as RetryPolicy from "@effect-taxonomy/core/RetryPolicy"
 * import * as Duration from "effect/Duration"
 *
 * RetryPolicy.defaults.maxAttempts // 6
 * Duration.toSeconds(RetryPolicy.defaults.maxRetryAfter) // 60
 * ```
 *
 * @since 0.1.0
 * @category defaults
 */
export const defaults: Settings = {
  maxAttempts: 6,
  baseDelay: Duration.millis(250),
  maxDelay: Duration.seconds(10),
  maxElapsed: Duration.minutes(2),
  maxRetryAfter: Duration.seconds(60),
  schedule: undefined
}

/**
 * Resolves options over a base (the client's settings, or {@link defaults}).
 *
 * @example
 * ```ts
 * import * as RetryPolicy from "@effect-taxonomy/core/RetryPolicy"
 *
 * const settings = RetryPolicy.resolve({ maxAttempts: 3 })
 * settings.maxAttempts // 3
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (options: Options | undefined, base: Settings = defaults): Settings => {
  if (options === undefined) return base
  const maxAttempts = options.maxAttempts ?? base.maxAttempts
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be a whole number ≥ 1, got ${maxAttempts}`)
  }
  return {
    maxAttempts,
    baseDelay: options.baseDelay !== undefined ? Duration.decode(options.baseDelay) : base.baseDelay,
    maxDelay: options.maxDelay !== undefined ? Duration.decode(options.maxDelay) : base.maxDelay,
    maxElapsed: options.maxElapsed !== undefined ? Duration.decode(options.maxElapsed) : base.maxElapsed,
    maxRetryAfter: options.maxRetryAfter !== undefined ? Duration.decode(options.maxRetryAfter) : base.maxRetryAfter,
    schedule: options.schedule ?? base.schedule
  }
}

/**
 * The backoff part of the policy, before transient filtering and
 * `Retry-After`: exponential from `baseDelay`, jittered ±20%, each delay
 * capped at `maxDelay` (or your `schedule`), bounded by `maxAttempts` and
 * `maxElapsed`.
 *
 * @example
 * ```ts
 * import * as RetryPolicy from "@effect-taxonomy/core/RetryPolicy"
 *
 * const schedule = RetryPolicy.backoff(RetryPolicy.defaults)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const backoff = (settings: Settings): Schedule.Schedule<unknown, TaxonomyError> => {
  const base: Schedule.Schedule<unknown, TaxonomyError> = settings.schedule ??
    Schedule.exponential(settings.baseDelay, 2).pipe(
      Schedule.jittered,
      Schedule.modifyDelay((_, delay) =>
        Duration.millis(Math.round(Duration.toMillis(Duration.min(delay, settings.maxDelay))))
      )
    )
  return base.pipe(
    Schedule.intersect(Schedule.recurs(settings.maxAttempts - 1)),
    Schedule.upTo(settings.maxElapsed)
  )
}
