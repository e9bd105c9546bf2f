/**
 * The client's implementation: request building, one page step (request,
 * classification, decode) with timeout and retry, the pagination loop, and
 * several imports at once behind a shared rate-limit gate.
 *
 * The hot path, per page: one request, one `JSON.parse`, the fast decoder
 * (see `wireDecode.ts`), one child fiber for the request timeout. In a
 * stream, the producer only fetches and checks the pagination (it needs the
 * next token); the segments are decoded after the prefetch buffer, so with
 * `prefetch ≥ 1` decoding a page overlaps the request for the next one.
 *
 * @internal
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { constTrue } from "effect/Function"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import * as RetryPolicy from "../RetryPolicy.js"
import { ImportId } from "../Segment.js"
import type { Segment } from "../Segment.js"
import { PageToken } from "../SegmentPage.js"
import type { SegmentPage } from "../SegmentPage.js"
import type * as TaxonomyClient from "../TaxonomyClient.js"
import * as Errors from "../TaxonomyError.js"
import { decodePage, pageBody } from "../WireFormat.js"
import { classifyResponse, excerpt, transportReason } from "./classify.js"
import * as Fast from "./wireDecode.js"

/** @internal */
export const defaultBaseUrl = "https://api.permutive.app/audience-api/v1"

/** @internal */
export const defaultRequestTimeout = Duration.seconds(30)

/** @internal */
export const defaultPrefetch = 1

/** @internal */
export const defaultConcurrency = 4

interface Settings {
  readonly retry: RetryPolicy.Settings
  readonly requestTimeout: Duration.Duration
  readonly prefetch: number
}

/** Thrown by the checks below, caught by {@link resolveSettings}: never escapes this module. */
class OptionProblem {
  constructor(readonly option: string, readonly problem: string) {}
}

const shown = (value: unknown): string => typeof value === "string" ? JSON.stringify(value) : String(value)

const wholeNumber = (option: string, value: unknown, min: number): number => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new OptionProblem(option, `must be a whole number ≥ ${min}, got ${shown(value)}`)
  }
  return value
}

/** A duration option: what `Duration.decode` reads, not negative (nor zero when `positive`). */
const duration = (option: string, value: unknown, positive: boolean): Duration.Duration => {
  const decoded = typeof value === "number" && !(value >= 0) ? Option.none() : Duration.decodeUnknown(value)
  if (decoded._tag === "None") {
    throw new OptionProblem(option, `must be a duration such as 30000 (millis) or "30 seconds", got ${shown(value)}`)
  }
  if (positive && Duration.toMillis(decoded.value) <= 0) {
    throw new OptionProblem(option, `must be longer than zero, got ${shown(value)}`)
  }
  return decoded.value
}

const resolveRetry = (options: RetryPolicy.Options | undefined, base: RetryPolicy.Settings): RetryPolicy.Settings => {
  if (options === undefined) return base
  return {
    maxAttempts: options.maxAttempts !== undefined
      ? wholeNumber("retry.maxAttempts", options.maxAttempts, 1)
      : base.maxAttempts,
    baseDelay: options.baseDelay !== undefined ? duration("retry.baseDelay", options.baseDelay, false) : base.baseDelay,
    maxDelay: options.maxDelay !== undefined ? duration("retry.maxDelay", options.maxDelay, false) : base.maxDelay,
    maxElapsed: options.maxElapsed !== undefined
      ? duration("retry.maxElapsed", options.maxElapsed, false)
      : base.maxElapsed,
    maxRetryAfter: options.maxRetryAfter !== undefined
      ? duration("retry.maxRetryAfter", options.maxRetryAfter, false)
      : base.maxRetryAfter,
    schedule: options.schedule ?? base.schedule
  }
}

/**
 * Options over a base, checked: the settings, or the `InvalidOptions` error
 * naming the first unusable option.
 */
const resolveSettings = (
  options: {
    readonly retry?: RetryPolicy.Options | undefined
    readonly requestTimeout?: Duration.DurationInput | undefined
    readonly prefetch?: number | undefined
  } | undefined,
  base: Settings,
  importId?: string
): Settings | Errors.InvalidOptions =>
  checking(() =>
    options === undefined ? base : {
      retry: resolveRetry(options.retry, base.retry),
      requestTimeout: options.requestTimeout !== undefined
        ? duration("requestTimeout", options.requestTimeout, true)
        : base.requestTimeout,
      prefetch: options.prefetch !== undefined ? wholeNumber("prefetch", options.prefetch, 0) : base.prefetch
    }, importId)

/** Runs the checks of `f`: its result, or the `InvalidOptions` error of the first problem. */
const checking = <A>(f: () => A, importId?: string): A | Errors.InvalidOptions => {
  try {
    return f()
  } catch (error) {
    if (!(error instanceof OptionProblem)) throw error
    return new Errors.InvalidOptions({
      option: error.option,
      problem: error.problem,
      ...(importId !== undefined ? { importId } : {})
    }, true)
  }
}

/** The base URL must be absolute, http or https: anything else can never reach the API. */
const checkBaseUrl = (baseUrl: string): void => {
  let protocol: string | undefined
  try {
    protocol = new (globalThis as unknown as { readonly URL: new(url: string) => { readonly protocol: string } }).URL(
      baseUrl
    ).protocol
  } catch {
    protocol = undefined
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw new OptionProblem(
      "baseUrl",
      `must be an absolute http:// or https:// URL, got ${
        JSON.stringify(baseUrl.length > 80 ? baseUrl.slice(0, 80) + "…" : baseUrl)
      }`
    )
  }
}

/**
 * The API key as it is sent: surrounding whitespace (a key file's or an env
 * file's trailing newline) is dropped; what is left must be a non-empty
 * header value without spaces or control characters. Problems never quote
 * the key.
 */
const checkApiKey = (apiKey: Redacted.Redacted<string> | undefined): string | undefined => {
  if (apiKey === undefined) return undefined
  const key = Redacted.value(apiKey).trim()
  if (key === "") throw new OptionProblem("apiKey", "is empty")
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new OptionProblem(
      "apiKey",
      "contains a space, a control character or a non-ASCII character (no header can carry it)"
    )
  }
  return key
}

const isImportId = Schema.is(ImportId)

const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

/** The longest delay `setTimeout` takes as it is (2^31 - 1 ms, about 24.8 days). */
const maxTimer = 2_147_483_647

/** The host's timers (every JavaScript runtime has them; the core's lib has no DOM or Node types). */
const timers = globalThis as unknown as {
  readonly setTimeout: (f: () => void, millis: number) => unknown
  readonly clearTimeout: (handle: unknown) => void
}

/** The host's check-phase queue, where it has one (Node, Bun, Deno: `setImmediate`). */
const immediates = globalThis as unknown as {
  readonly setImmediate?: (f: () => void) => unknown
  readonly clearImmediate?: (handle: unknown) => void
}

/**
 * Lets the host's event loop turn twice before the caller goes on. It follows
 * the start of the next page's request: undici writes a request on a
 * kept-alive connection only in a later turn of the event loop (it waits a
 * turn before reusing a socket, and a new connection must connect first), so
 * decoding the current page at once, in microtasks, would hold the request
 * back until the page was decoded and consumed, and nothing would overlap.
 * The started attempt's fiber runs first (`yieldNow`), then two check phases
 * (`setImmediate`): one where undici writes to a socket it scheduled before,
 * one for what that phase scheduled in turn (each costs a few microseconds).
 * A host without `setImmediate` (a browser, whose fetch is sent off the main
 * thread) only yields to the other fibers.
 */
const yieldToHost: Effect.Effect<void> = typeof immediates.setImmediate === "function"
  ? Effect.zipRight(
    Effect.yieldNow(),
    Effect.async<void>((resume) => {
      let handle = immediates.setImmediate!(() => {
        handle = immediates.setImmediate!(() => resume(Effect.void))
      })
      return Effect.sync(() => immediates.clearImmediate?.(handle))
    })
  )
  : Effect.yieldNow()

/** The default tracer: spans no one records. */
const nativeTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

/**
 * Whether a tracer is installed. Without one (Effect's default tracer), a
 * stream makes no span per page and asks `HttpClient` for no span per
 * request: they would be recorded nowhere, and per page they cost about as
 * much as decoding a hundred segments. Install a tracer and both are there.
 */
const isTraced: Effect.Effect<boolean> = Effect.tracerWith((tracer) => Effect.succeed(tracer !== nativeTracer))

/**
 * One attempt at a page, running in its own fiber: the unit a request
 * timeout interrupts (alone: the stream goes on to retry), and the unit of
 * prefetch (the next page's first attempt starts while the current page is
 * decoded and consumed). `timedOut` says that its interruption was the
 * timeout's.
 */
interface Attempt<A, E> {
  /** Its outcome as a value: a failed attempt is not a failed fiber (which Effect would log as unhandled). */
  readonly fiber: Fiber.RuntimeFiber<Exit.Exit<A, E>>
  readonly state: { timedOut: boolean }
}

/**
 * Runs `self` in a new fiber in `scope` (closing the scope interrupts it),
 * after `before` (the rate-limit gate: not part of the timed request). On
 * the live clock the timeout is a plain timer that interrupts the fiber; on
 * any other clock (`TestClock`), or a timeout beyond `setTimeout`'s range,
 * it is `Effect.timeoutFail` inside the fiber.
 */
const startAttempt = <A, E, E1>(
  self: Effect.Effect<A, E>,
  before: Effect.Effect<void> | undefined,
  millis: number,
  onTimeout: () => E1,
  scope: Scope.Scope
): Effect.Effect<Attempt<A, E | E1>> =>
  Effect.clockWith((clock) => {
    const state = { timedOut: false }
    const timed: Effect.Effect<A, E | E1> = clock !== liveClock || millis > maxTimer
      ? Effect.timeoutFail(self, { duration: Duration.millis(millis), onTimeout })
      : Effect.withFiberRuntime<A, E>((fiber) => {
        const timer = timers.setTimeout(() => {
          state.timedOut = true
          fiber.unsafeInterruptAsFork(fiber.id())
        }, millis)
        return Effect.ensuring(self, Effect.sync(() => timers.clearTimeout(timer)))
      })
    return Effect.map(
      Effect.forkIn(Effect.exit(before === undefined ? timed : Effect.zipRight(before, timed)), scope),
      (fiber) => ({ fiber, state })
    )
  })

/** The attempt's outcome; its interruption by the timeout is the timeout error. */
const awaitAttempt = <A, E, E1>(attempt: Attempt<A, E>, onTimeout: () => E1): Effect.Effect<A, E | E1> =>
  Effect.flatMap(
    Fiber.await(attempt.fiber),
    (exit): Effect.Effect<A, E | E1> =>
      exit._tag === "Success"
        ? exit.value
        : attempt.state.timedOut
        ? Effect.fail(onTimeout())
        : Effect.failCause(exit.cause)
  )

/**
 * A pause shared by the streams of one `segmentsOfImports` call: while one
 * import waits out a rate limit, no stream starts a request.
 *
 * @internal
 */
export interface Gate {
  /** Waits until no pause is in force (re-checking: a pause may be extended meanwhile). */
  readonly pass: Effect.Effect<void>
  /** Nobody starts a request for `millis` from now (extends a pause, never shortens it). */
  readonly pause: (now: number, millis: number) => void
}

/** @internal */
export const makeGate = (): Gate => {
  let until = 0
  const pass: Effect.Effect<void> = Effect.flatMap(
    Clock.currentTimeMillis,
    (now) => now >= until ? Effect.void : Effect.zipRight(Effect.sleep(Duration.millis(until - now)), pass)
  )
  return {
    pass,
    pause: (now, millis) => {
      until = Math.max(until, now + millis)
    }
  }
}

/**
 * A 2xx page body, read and parsed, its pagination checked: what the
 * producer of a stream needs (the next token). The segments are decoded
 * later by `decodeFetched`, unless `page` is set (the whole body was already
 * decoded by the schema).
 */
interface Received {
  readonly importId: ImportId
  readonly token: Option.Option<PageToken>
  readonly status: number
  readonly contentType: string | undefined
  readonly body: string
}

interface Fetched extends Received {
  readonly json: unknown
  readonly nextToken: Option.Option<PageToken>
  readonly page: SegmentPage | undefined
}

const pathOf = (path: ReadonlyArray<PropertyKey>): string => {
  let out = ""
  for (const key of path) {
    out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`
  }
  return out === "" ? "(root)" : out
}

/** The request id a body carries (`request_id` or `requestId`), if any. */
const requestIdOf = (json: unknown): string | undefined => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined
  const record = json as Record<string, unknown>
  const id = record.request_id ?? record.requestId
  return typeof id === "string" && id !== "" ? id : undefined
}

/** What a value is, in a few words, for a problem's "got ...". */
const describeValue = (value: unknown): string => {
  if (value === undefined) return "nothing (the field is missing)"
  if (value === null) return "null"
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === "object") return "an object"
  if (typeof value === "string") {
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`
  }
  return `${typeof value} ${String(value)}`
}

/**
 * The schema's message for the first problem, unless it spells out a whole
 * struct type (what a union or struct mismatch does: a thousand characters
 * naming every field); then a short one: what was expected there, and what
 * came.
 */
const problemAt = (json: unknown, path: ReadonlyArray<PropertyKey>, message: string): string => {
  const last = path[path.length - 1]
  // a union of the two spellings: the schema names only its first member
  const union = last === "next_token" || last === "nextToken"
    ? "a token: a string, { \"value\": <string or null> }, or null"
    : last === "total_count" || last === "totalCount"
    ? "a count: a whole number ≥ 0, { \"value\": <whole number ≥ 0 or null> }, or null"
    : undefined
  if (union === undefined && message.length <= 160) return message
  let actual: unknown = json
  for (const key of path) {
    actual = typeof actual === "object" && actual !== null ? (actual as Record<PropertyKey, unknown>)[key] : undefined
  }
  if (union !== undefined) {
    return `Expected ${union}, got ${
      typeof actual === "object" && actual !== null ? JSON.stringify(actual).slice(0, 80) : describeValue(actual)
    }`
  }
  const expected = path.length === 0
    ? "a page: an object with \"elements\" and \"pagination\""
    : last === "pagination"
    ? "a pagination object (next_token, total_count)"
    : last === "elements"
    ? "an array of segments, or null"
    : path.length === 2 && path[0] === "elements"
    ? "a segment object"
    : undefined
  return expected === undefined
    ? message.slice(0, 159) + "…"
    : `Expected ${expected}, got ${describeValue(actual)}`
}

/**
 * Attaches how far a stream got to the error that ended it.
 *
 * @internal
 */
export const withProgress = <E extends Errors.TaxonomyError>(
  error: E,
  segmentsEmitted: number,
  resumeToken: string | undefined
): E => {
  const Ctor = error.constructor as new(props: object, disableValidation: boolean) => E
  const { _tag, pageToken: _, ...fields } = error as E & Record<string, unknown>
  return new Ctor(
    { ...fields, ...(resumeToken !== undefined ? { pageToken: resumeToken } : {}), segmentsEmitted },
    true
  )
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * The key never appears in an error: this replaces it in any text a response
 * or a transport failure contributes, in every form a server may echo it:
 * as sent, in another letter case (UUIDs are case-insensitive), escaped for
 * JSON and percent-encoded. Applied to whole texts, before any excerpt is
 * cut from them, so no fragment of a key survives a cut.
 *
 * @internal
 */
export const makeScrub = (key: string | undefined): (text: string) => string => {
  if (key === undefined || key === "") return (text) => text
  const forms = new Set([key, JSON.stringify(key).slice(1, -1), encodeURIComponent(key)])
  const pattern = new RegExp([...forms].map(escapeRegExp).join("|"), "gi")
  return (text) => text.replace(pattern, "<redacted>")
}

/** `value` with every string in it (at any depth) scrubbed; the same value when nothing changed. */
const scrubDeep = (value: unknown, scrub: (text: string) => string): unknown => {
  if (typeof value === "string") return scrub(value)
  if (Array.isArray(value)) {
    const out = value.map((item) => scrubDeep(item, scrub))
    return out.some((item, i) => item !== value[i]) ? out : value
  }
  if (typeof value === "object" && value !== null) {
    let changed = false
    const out: Record<string, unknown> = {}
    for (const [name, item] of Object.entries(value)) {
      const clean = scrubDeep(item, scrub)
      const cleanName = scrub(name)
      if (clean !== item || cleanName !== name) changed = true
      out[cleanName] = clean
    }
    return changed ? out : value
  }
  return value
}

type StepState =
  | {
    readonly _tag: "Fetch"
    readonly token: Option.Option<PageToken>
    /** The page's first attempt, already running (prefetch). */
    readonly prefetched: Effect.Effect<Fetched, Errors.TaxonomyError> | undefined
  }
  | { readonly _tag: "Loop"; readonly token: PageToken }

/** @internal */
export const make = (options: TaxonomyClient.Options = {}) =>
  Effect.gen(function*() {
    const baseUrl = (options.baseUrl ?? defaultBaseUrl).trim().replace(/\/+$/, "")
    // Options are checked once, here; when one is unusable, every operation
    // of this client fails with the `InvalidOptions` error, before any request.
    const keyChecked = checking(() => {
      checkBaseUrl(baseUrl)
      return checkApiKey(options.apiKey)
    })
    const keyText = typeof keyChecked === "string" ? keyChecked : undefined
    const resolved = resolveSettings(options, {
      retry: RetryPolicy.defaults,
      requestTimeout: defaultRequestTimeout,
      prefetch: defaultPrefetch
    })
    const unusable: Errors.InvalidOptions | undefined = keyChecked instanceof Errors.InvalidOptions
      ? keyChecked
      : resolved instanceof Errors.InvalidOptions
      ? resolved
      : undefined
    const settings: Settings = resolved instanceof Errors.InvalidOptions
      ? { retry: RetryPolicy.defaults, requestTimeout: defaultRequestTimeout, prefetch: defaultPrefetch }
      : resolved

    const scrub = makeScrub(keyText)
    const scrubFields = <E extends Errors.TaxonomyError>(error: E): E => {
      if (keyText === undefined) return error
      let changed = false
      const fields: Record<string, unknown> = {}
      for (const [name, value] of Object.entries(error as E & Record<string, unknown>)) {
        if (name === "_tag") continue
        const clean = scrubDeep(value, scrub)
        if (clean !== value) changed = true
        fields[name] = clean
      }
      if (!changed) return error
      const Ctor = error.constructor as new(props: object, disableValidation: boolean) => E
      return new Ctor(fields, true)
    }

    const transform = options.transformClient ?? ((client: HttpClient.HttpClient) => client)
    const httpClient = transform(
      (yield* HttpClient.HttpClient).pipe(
        HttpClient.mapRequest((request) => {
          const withBase = HttpClientRequest.acceptJson(HttpClientRequest.prependUrl(request, baseUrl))
          return keyText === undefined ? withBase : HttpClientRequest.setHeader(withBase, "x-api-key", keyText)
        })
      )
    )

    const transportError = (cause: unknown, context: { importId: string; pageToken: string | undefined }) => {
      const { description, reason } = transportReason(cause)
      return new Errors.TransportError({ ...context, reason, description: scrub(description) }, true)
    }

    const fromHttpClientError = (
      error: HttpClientError.HttpClientError,
      context: { importId: string; pageToken: string | undefined }
    ): Errors.TaxonomyError => {
      if (error._tag === "RequestError") {
        if (error.reason === "InvalidUrl") {
          // the base URL was checked: what made it invalid is a transformClient's
          return new Errors.InvalidOptions({
            ...context,
            option: "transformClient",
            problem: scrub(`made a request URL that does not parse: ${String(error.description ?? error.cause)}`)
          }, true)
        }
        return transportError(error.cause, context)
      }
      // the body could not be read to the end: a connection cut mid-body
      const { description } = transportReason(error.cause)
      return new Errors.TransportError({
        ...context,
        reason: "BodyInterrupted",
        description: scrub(`the response body was cut off (${description})`)
      }, true)
    }

    const malformed = (
      fetched: Pick<Fetched, "importId" | "token" | "status" | "contentType" | "body"> & { readonly json?: unknown },
      path: string,
      problem: string
    ) => {
      const requestId = requestIdOf(fetched.json)
      return new Errors.MalformedResponse({
        importId: fetched.importId,
        pageToken: Option.getOrUndefined(fetched.token),
        status: fetched.status,
        ...(requestId !== undefined ? { requestId: scrub(requestId) } : {}),
        ...(fetched.contentType !== undefined ? { contentType: fetched.contentType } : {}),
        path,
        problem: scrub(problem),
        excerpt: excerpt(scrub(fetched.body))
      }, true)
    }

    const malformedFromParseError = (
      fetched: Pick<Fetched, "importId" | "token" | "status" | "contentType" | "body" | "json">,
      error: ParseResult.ParseError
    ) => {
      const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      if (first === undefined) return malformed(fetched, "(root)", error.message)
      return malformed(fetched, pathOf(first.path), problemAt(fetched.json, first.path, first.message))
    }

    /** The segments of a fetched page: the fast decoder, else the schema (which names the first problem). */
    const decodeFetched = (fetched: Fetched): Either.Either<SegmentPage, Errors.MalformedResponse> => {
      if (fetched.page !== undefined) return checkedSegments(fetched, fetched.page)
      const decoded = decodePage(fetched.json, { importId: fetched.importId, token: fetched.token })
      return decoded._tag === "Right"
        ? checkedSegments(fetched, decoded.right)
        : Either.left(malformedFromParseError(fetched, decoded.left))
    }

    /**
     * The page, unless one of its segments says it belongs to another import
     * than the one requested, or a segment id comes twice on it (which of the
     * two is the segment, no one can say: the page is malformed, never
     * streamed with a duplicate).
     */
    const checkedSegments = (
      fetched: Fetched,
      page: SegmentPage
    ): Either.Either<SegmentPage, Errors.MalformedResponse> => {
      const requested = fetched.importId
      const segments = page.segments
      const ids = segments.length > 1 ? new Map<string, number>() : undefined
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i]!
        if (ids !== undefined) {
          // UUIDs in any letter case name the same segment
          const id = segment.id.toLowerCase()
          const first = ids.get(id)
          if (first !== undefined) {
            return Either.left(
              malformed(
                fetched,
                `elements[${i}].id`,
                `segment ${segment.id} is already elements[${first}] of this page`
              )
            )
          }
          ids.set(id, i)
        }
        const own = segment.importId
        if (own !== requested && own.toLowerCase() !== requested.toLowerCase()) {
          const field = Predicate.isRecord(fetched.json) && Array.isArray(fetched.json.elements) &&
              Predicate.isRecord(fetched.json.elements[i]) && fetched.json.elements[i].import_id === undefined
            ? "importId"
            : "import_id"
          return Either.left(
            malformed(fetched, `elements[${i}].${field}`, `the segment belongs to import ${own}, not to ${requested}`)
          )
        }
      }
      return Either.right(page)
    }

    /**
     * One request: send, read, then classify a failure, or parse the body and
     * check its pagination. (The timeout is the caller's: see `startAttempt`.)
     */
    /**
     * One request: send, read the body, classify a failure. This is what runs
     * in the attempt's own fiber; the body is parsed by {@link parseReceived}
     * in the stream's fiber, so a finished attempt holds only the body text.
     */
    const request = (
      importId: ImportId,
      token: Option.Option<PageToken>,
      traced: boolean
    ): Effect.Effect<Received, Errors.TaxonomyError> => {
      const context = { importId, pageToken: Option.getOrUndefined(token) }
      // the token is percent-encoded here (RFC 3986: a space is %20, never the `+` that
      // form encoding makes of it), so every server reads it back byte for byte
      const query = token._tag === "Some" ? `?pagination_token=${encodeURIComponent(token.value)}` : ""
      const execute = httpClient.execute(HttpClientRequest.get(`/imports/${importId}/segments${query}`))
      return (traced ? execute : Effect.locally(execute, HttpClient.currentTracerDisabledWhen, constTrue)).pipe(
        Effect.flatMap((response) =>
          Effect.flatMap(response.text, (body): Effect.Effect<Received, Errors.TaxonomyError> => {
            if (response.status >= 200 && response.status < 300) {
              return Effect.succeed({
                importId,
                token,
                status: response.status,
                contentType: response.headers["content-type"],
                body
              })
            }
            return Effect.flatMap(Clock.currentTimeMillis, (now) =>
              Effect.fail(scrubFields(classifyResponse({
                ...context,
                status: response.status,
                contentType: response.headers["content-type"],
                retryAfter: response.headers["retry-after"],
                // scrubbed before any excerpt is cut from it
                body: scrub(body),
                keySent: keyText !== undefined,
                now
              }))))
          })
        ),
        Effect.catchIf(HttpClientError.isHttpClientError, (error) => Effect.fail(fromHttpClientError(error, context)))
      )
    }

    /** A 2xx body parsed, its pagination checked (the segments are decoded later, by `decodeFetched`). */
    const parseReceived = (received: Received): Effect.Effect<Fetched, Errors.MalformedResponse> => {
      let json: unknown
      try {
        json = JSON.parse(received.body)
      } catch (cause) {
        return Effect.fail(
          malformed(
            received,
            "(body)",
            received.body === "" ? "the body is empty" : `not JSON (${(cause as Error).message})`
          )
        )
      }
      const pagination = Fast.pagination(json)
      if (pagination !== undefined) {
        const { nextToken } = pageBody({ elements: [], pagination })
        return Effect.succeed({ ...received, json, nextToken, page: undefined })
      }
      // the fast check is not sure: the schema decides, and names the first problem
      const decoded = decodePage(json, { importId: received.importId, token: received.token })
      return decoded._tag === "Right"
        ? Effect.succeed({ ...received, json, nextToken: decoded.right.nextToken, page: decoded.right })
        : Effect.fail(malformedFromParseError({ ...received, json }, decoded.left))
    }

    const retrySchedule = (retry: RetryPolicy.Settings, importId: string, gate: Gate | undefined) => {
      const maxRetryAfter = Duration.toMillis(retry.maxRetryAfter)
      return Schedule.identity<Errors.TaxonomyError>().pipe(
        Schedule.intersect(RetryPolicy.backoff(retry)),
        Schedule.intersect(Schedule.count),
        Schedule.whileInput((error: Errors.TaxonomyError) =>
          Errors.isTransient(error) &&
          !("retryAfterMillis" in error && error.retryAfterMillis !== undefined &&
            error.retryAfterMillis > maxRetryAfter)
        ),
        Schedule.modifyDelay(([[error]], delay) =>
          "retryAfterMillis" in error && error.retryAfterMillis !== undefined
            ? Duration.millis(error.retryAfterMillis)
            : delay
        ),
        Schedule.onDecision(([[error], attemptIndex], decision) => {
          if (decision._tag === "Done") return Effect.void
          return Effect.flatMap(Clock.currentTimeMillis, (now) => {
            const delayMillis = Math.max(0, ScheduleIntervals.start(decision.intervals) - now)
            // a rate limit (or a Retry-After) holds every stream sharing the gate
            if (
              gate !== undefined &&
              (error._tag === "RateLimited" || ("retryAfterMillis" in error && error.retryAfterMillis !== undefined))
            ) {
              gate.pause(now, delayMillis)
            }
            const attributes = {
              "taxonomy.import_id": importId,
              "taxonomy.retry.attempt": attemptIndex + 1,
              "taxonomy.retry.delay_ms": delayMillis,
              "taxonomy.retry.reason": error._tag,
              ...("status" in error ? { "http.response.status_code": error.status } : {})
            }
            return Effect.zipRight(
              Effect.flatMap(
                Effect.option(Effect.currentSpan),
                (span) =>
                  Effect.sync(() => {
                    if (span._tag === "Some") {
                      span.value.event("taxonomy.retry", BigInt(now) * 1_000_000n, attributes)
                    }
                  })
              ),
              Effect.logDebug(`retrying after ${error._tag}`).pipe(
                Effect.annotateLogs({
                  importId,
                  attempt: attemptIndex + 1,
                  delayMillis,
                  reason: error._tag,
                  pageToken: error.pageToken ?? "(first page)"
                })
              )
            )
          })
        })
      )
    }

    type Schedule = ReturnType<typeof retrySchedule>

    /**
     * `Effect.retry(first, schedule)`, where `first` is the first attempt
     * (perhaps already running: a prefetch) and `again` starts each retry.
     * The schedule sees the same errors in the same order; on the success
     * path, no retry driver is built at all.
     */
    const retrying = <A>(
      first: Effect.Effect<A, Errors.TaxonomyError>,
      again: () => Effect.Effect<A, Errors.TaxonomyError>,
      schedule: Schedule
    ): Effect.Effect<A, Errors.TaxonomyError> =>
      Effect.catchAll(first, (error) => {
        let replay = true
        return Effect.retry(
          Effect.suspend(() => {
            if (!replay) return again()
            replay = false
            return Effect.fail(error)
          }),
          schedule
        )
      })

    /** The `TaxonomyClient.page` span around obtaining one page. */
    const pageSpan = <A, E>(
      effect: Effect.Effect<A, E>,
      importId: ImportId,
      token: Option.Option<PageToken>
    ): Effect.Effect<A, E> =>
      Effect.withSpan(effect, "TaxonomyClient.page", {
        kind: "client",
        attributes: { "taxonomy.import_id": importId, "taxonomy.page.first": token._tag === "None" },
        // the stack of this internal call site tells a reader nothing
        captureStackTrace: false
      })

    /** Starts one attempt at a page in `scope`: the request in its own fiber, with the timeout. */
    const startPage = (
      importId: ImportId,
      token: Option.Option<PageToken>,
      s: Settings,
      gate: Gate | undefined,
      scope: Scope.Scope,
      traced: boolean
    ) => {
      const timeoutMillis = Duration.toMillis(s.requestTimeout)
      const onTimeout = () =>
        new Errors.RequestTimeout({ importId, pageToken: Option.getOrUndefined(token), timeoutMillis }, true)
      return Effect.map(
        startAttempt(request(importId, token, traced), gate?.pass, timeoutMillis, onTimeout, scope),
        (started) => Effect.flatMap(awaitAttempt(started, onTimeout), parseReceived)
      )
    }

    /**
     * A page fetched: the first attempt (given when prefetched), then retries
     * per the policy; in the page span when traced.
     */
    const obtainPage = (
      importId: ImportId,
      token: Option.Option<PageToken>,
      s: Settings,
      schedule: Schedule,
      gate: Gate | undefined,
      scope: Scope.Scope,
      traced: boolean,
      prefetched: Effect.Effect<Fetched, Errors.TaxonomyError> | undefined
    ): Effect.Effect<Fetched, Errors.TaxonomyError> => {
      const again = () => Effect.flatten(startPage(importId, token, s, gate, scope, traced))
      const obtained = retrying(prefetched ?? again(), again, schedule)
      return traced ? pageSpan(obtained, importId, token) : obtained
    }

    /** The input of one call, checked before any request: the client's options, the import id, the token. */
    const validate = (
      importId: string,
      token: string | undefined
    ): Errors.InvalidOptions | Errors.InvalidImportId | Errors.InvalidPageToken | {
      readonly importId: ImportId
      readonly token: Option.Option<PageToken>
    } => {
      if (unusable !== undefined) return unusable
      if (!isImportId(importId)) return new Errors.InvalidImportId({ importId }, true)
      if (token === undefined) return { importId, token: Option.none() }
      if (token === "") return new Errors.InvalidPageToken({ importId, pageToken: token }, true)
      return { importId, token: Option.some(PageToken.make(token)) }
    }

    const page: TaxonomyClient.TaxonomyClient.Service["page"] = (importId, pageOptions) =>
      Effect.suspend(() => {
        const input = validate(importId, pageOptions?.token)
        if ("_tag" in input) return Effect.fail(input)
        const s = resolveSettings(pageOptions, settings, input.importId)
        if (s instanceof Errors.InvalidOptions) return Effect.fail(s)
        const schedule = retrySchedule(s.retry, input.importId, undefined)
        return Effect.scoped(Effect.flatMap(Effect.zip(Effect.scope, isTraced), ([scope, traced]) => {
          const once = () =>
            Effect.flatMap(
              Effect.flatten(startPage(input.importId, input.token, s, undefined, scope, traced)),
              (fetched) => Either.match(decodeFetched(fetched), { onLeft: Effect.fail, onRight: Effect.succeed })
            )
          return retrying(once(), once, schedule)
        })).pipe((effect) => pageSpan(effect, input.importId, input.token))
      })

    /**
     * Every page of one import, each page as the chunk `emit` makes of it;
     * `gate` is shared with other imports' streams.
     *
     * One step per page, on the consumer's pull: obtain the page (its first
     * attempt may already be running), check its next token, start the next
     * page's first attempt (with `prefetch: 1`), then decode this page's
     * segments while that request is in flight. With `prefetch: N` above 1
     * the steps run ahead in their own fiber, into a buffer of `N - 1` pages
     * (plus the one it holds). Either way, while the consumer holds a page,
     * at most `N` more have been requested.
     */
    const pagesWith = <A>(
      importId: string,
      streamOptions: TaxonomyClient.StreamOptions | undefined,
      gate: Gate | undefined,
      emit: (page: SegmentPage) => Chunk.Chunk<A>
    ): Stream.Stream<A, Errors.TaxonomyError> =>
      Stream.unwrapScoped(Effect.flatMap(Effect.zip(Effect.scope, isTraced), ([scope, traced]) => {
        const input = validate(importId, streamOptions?.from)
        if ("_tag" in input) return Effect.succeed(Stream.fail(input))
        const s = resolveSettings(streamOptions, settings, input.importId)
        if (s instanceof Errors.InvalidOptions) return Effect.succeed(Stream.fail(s))
        const deadline = streamOptions?.deadline === undefined
          ? undefined
          : checking(() => duration("deadline", streamOptions.deadline, true), input.importId)
        if (deadline instanceof Errors.InvalidOptions) return Effect.succeed(Stream.fail(deadline))
        const schedule = retrySchedule(s.retry, input.importId, gate)
        const seen = new Set<string>()
        if (input.token._tag === "Some") seen.add(input.token.value)
        // the first segment of every page so far: a page that starts where an
        // earlier one did is a repeat under a new token (a server that starts
        // over), stopped before any of it is emitted again
        const starts = new Set<string>()
        // where the consumer is: segments emitted so far, and the token that
        // fetches the first page not yet emitted (what to resume from)
        let emitted = 0
        let resumeToken: string | undefined = Option.getOrUndefined(input.token)
        let finished = false
        const delivered = (page: SegmentPage) => {
          emitted += page.segments.length
          resumeToken = Option.getOrUndefined(page.nextToken)
          finished = page.nextToken._tag === "None"
        }
        const buffered = s.prefetch > 1

        const step = (
          state: StepState
        ): Effect.Effect<readonly [SegmentPage, Option.Option<StepState>], Errors.TaxonomyError> => {
          if (state._tag === "Loop") {
            return Effect.fail(
              new Errors.PaginationLoop({
                importId: input.importId,
                pageToken: state.token,
                repeatedToken: state.token
              }, true)
            )
          }
          return Effect.flatMap(
            obtainPage(input.importId, state.token, s, schedule, gate, scope, traced, state.prefetched),
            (fetched) => {
              const next = fetched.nextToken
              let nextState: Effect.Effect<Option.Option<StepState>> = Effect.succeedNone
              if (next._tag === "Some") {
                if (seen.has(next.value)) {
                  nextState = Effect.succeed(Option.some<StepState>({ _tag: "Loop", token: next.value }))
                } else {
                  seen.add(next.value)
                  nextState = s.prefetch !== 1
                    ? Effect.succeed(Option.some<StepState>({ _tag: "Fetch", token: next, prefetched: undefined }))
                    : Effect.map(
                      Effect.zipLeft(startPage(input.importId, next, s, gate, scope, traced), yieldToHost),
                      (prefetched) => Option.some<StepState>({ _tag: "Fetch", token: next, prefetched })
                    )
                }
              }
              // the next page's request is in flight while this one is decoded
              return Effect.flatMap(nextState, (following): Effect.Effect<
                readonly [SegmentPage, Option.Option<StepState>],
                Errors.TaxonomyError
              > => {
                const decoded = decodeFetched(fetched)
                if (decoded._tag === "Left") return Effect.fail(decoded.left)
                const start = decoded.right.segments[0]?.id
                if (start !== undefined) {
                  // UUIDs in any letter case name the same segment
                  const key = start.toLowerCase()
                  if (starts.has(key)) {
                    const token = Option.getOrElse(state.token, () => "")
                    return Effect.fail(
                      new Errors.PaginationLoop({
                        importId: input.importId,
                        pageToken: token,
                        repeatedToken: token,
                        repeatedSegmentId: start
                      }, true)
                    )
                  }
                  starts.add(key)
                }
                if (!buffered) delivered(decoded.right)
                return Effect.succeed([decoded.right, following] as const)
              })
            }
          )
        }

        const initial = { _tag: "Fetch", token: input.token, prefetched: undefined } as StepState
        let stream: Stream.Stream<A, Errors.TaxonomyError> = buffered
          ? Stream.paginateEffect(initial, step).pipe(
            Stream.buffer({ capacity: s.prefetch - 1 }),
            // the producer's fiber (and the transport, see `yieldToHost`) runs
            // before the consumer gets the pages, so it starts the next request
            // first: a consumer that never yields would otherwise hold it back
            // (the pages count as delivered only after the yield: a deadline may end the stream inside it)
            Stream.mapChunksEffect((pages) =>
              Effect.map(yieldToHost, () =>
                Chunk.flatMap(pages, (page) => {
                  delivered(page)
                  return emit(page)
                }))
            )
          )
          : Stream.paginateChunkEffect(
            initial,
            (state: StepState) => Effect.map(step(state), ([page, next]) => [emit(page), next] as const)
          )
        if (deadline !== undefined) {
          const expired = Effect.zipRight(
            Effect.sleep(deadline),
            Effect.suspend(() =>
              // every segment was already emitted: the stream is only closing
              finished ? Effect.never : Effect.fail(
                new Errors.DeadlineExceeded(
                  { importId: input.importId, deadlineMillis: Duration.toMillis(deadline) },
                  true
                )
              )
            )
          )
          stream = Stream.interruptWhen(stream, expired)
        }
        return Effect.succeed(stream.pipe(
          Stream.mapError((error) => withProgress(error, emitted, resumeToken)),
          Stream.withSpan("TaxonomyClient.pages", {
            attributes: { "taxonomy.import_id": input.importId },
            captureStackTrace: false
          })
        ))
      }))

    const pages: TaxonomyClient.TaxonomyClient.Service["pages"] = (importId, streamOptions) =>
      pagesWith(importId, streamOptions, undefined, Chunk.of)

    const segments: TaxonomyClient.TaxonomyClient.Service["segments"] = (importId, streamOptions) =>
      pagesWith(importId, streamOptions, undefined, (page) => Chunk.unsafeFromArray<Segment>(page.segments))

    const segmentsOfImports: TaxonomyClient.TaxonomyClient.Service["segmentsOfImports"] = (importIds, importsOptions) =>
      Stream.suspend(() => {
        if (unusable !== undefined) return Stream.fail(unusable)
        const concurrency = checking(() =>
          wholeNumber("concurrency", importsOptions?.concurrency ?? defaultConcurrency, 1)
        )
        if (concurrency instanceof Errors.InvalidOptions) return Stream.fail(concurrency)
        // every import id is checked before any request; repeats (in any
        // letter case: UUIDs are case-insensitive) are streamed once
        const ids: Array<ImportId> = []
        const distinct = new Set<string>()
        for (const importId of importIds) {
          if (!isImportId(importId)) return Stream.fail(new Errors.InvalidImportId({ importId }, true))
          const key = importId.toLowerCase()
          if (distinct.has(key)) continue
          distinct.add(key)
          ids.push(importId)
        }
        // where to start, by import id in any letter case; every entry must name an import of the list
        const from = new Map<string, string>()
        for (const [importId, token] of Object.entries(importsOptions?.from ?? {})) {
          if (!distinct.has(importId.toLowerCase())) {
            return Stream.fail(
              new Errors.InvalidOptions({
                option: "from",
                problem: `names import ${JSON.stringify(importId)}, which is not in the list of imports`
              }, true)
            )
          }
          from.set(importId.toLowerCase(), token)
        }
        for (const importId of ids) {
          const token = from.get(importId.toLowerCase())
          if (token === "") return Stream.fail(new Errors.InvalidPageToken({ importId, pageToken: token }, true))
        }
        // checked once here, so a bad setting fails before any stream starts
        const checked = resolveSettings(importsOptions, settings)
        if (checked instanceof Errors.InvalidOptions) return Stream.fail(checked)
        const gate = makeGate()
        return Stream.flatMap(
          Stream.fromIterable(ids),
          (importId) =>
            pagesWith(
              importId,
              {
                retry: importsOptions?.retry,
                requestTimeout: importsOptions?.requestTimeout,
                prefetch: importsOptions?.prefetch,
                from: from.get(importId.toLowerCase())
              },
              gate,
              (page) =>
                Chunk.unsafeFromArray(
                  page.segments.map((segment): TaxonomyClient.ImportSegment => ({ importId, segment }))
                )
            ),
          { concurrency }
        ).pipe(
          Stream.withSpan("TaxonomyClient.segmentsOfImports", {
            attributes: { "taxonomy.imports": ids.length, "taxonomy.concurrency": concurrency },
            captureStackTrace: false
          })
        )
      })

    return { page, pages, segments, segmentsOfImports } satisfies TaxonomyClient.TaxonomyClient.Service
  })
