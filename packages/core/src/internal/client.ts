/**
 * The client's implementation: request building, one page step (request,
 * classification, decode) with timeout and retry, and the pagination loop.
 *
 * @internal
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as RetryPolicy from "../RetryPolicy.js"
import { ImportId } from "../Segment.js"
import type { Segment } from "../Segment.js"
import { PageToken } from "../SegmentPage.js"
import type { SegmentPage } from "../SegmentPage.js"
import type * as TaxonomyClient from "../TaxonomyClient.js"
import * as Errors from "../TaxonomyError.js"
import { decodePage } from "../WireFormat.js"
import { classifyResponse, excerpt, transportReason } from "./classify.js"

/** @internal */
export const defaultBaseUrl = "https://api.permutive.app/audience-api/v1"

/** @internal */
export const defaultRequestTimeout = Duration.seconds(30)

/** @internal */
export const defaultPrefetch = 1

interface Settings {
  readonly retry: RetryPolicy.Settings
  readonly requestTimeout: Duration.Duration
  readonly prefetch: number
}

const checkPrefetch = (prefetch: number): number => {
  if (!Number.isInteger(prefetch) || prefetch < 0) {
    throw new RangeError(`prefetch must be a whole number ≥ 0, got ${prefetch}`)
  }
  return prefetch
}

const resolveSettings = (
  options: {
    readonly retry?: RetryPolicy.Options | undefined
    readonly requestTimeout?: Duration.DurationInput | undefined
    readonly prefetch?: number | undefined
  } | undefined,
  base: Settings
): Settings =>
  options === undefined ? base : {
    retry: RetryPolicy.resolve(options.retry, base.retry),
    requestTimeout: options.requestTimeout !== undefined ? Duration.decode(options.requestTimeout) : base.requestTimeout,
    prefetch: options.prefetch !== undefined ? checkPrefetch(options.prefetch) : base.prefetch
  }

const isImportId = Schema.is(ImportId)

const pathOf = (path: ReadonlyArray<PropertyKey>): string => {
  let out = ""
  for (const key of path) {
    out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`
  }
  return out === "" ? "(root)" : out
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
  return new Ctor({ ...fields, ...(resumeToken !== undefined ? { pageToken: resumeToken } : {}), segmentsEmitted }, true)
}

type StepState =
  | { readonly _tag: "Fetch"; readonly token: Option.Option<PageToken> }
  | { readonly _tag: "Loop"; readonly token: PageToken }

/** @internal */
export const make = (options: TaxonomyClient.Options = {}) =>
  Effect.gen(function*() {
    const apiKey = options.apiKey
    const keyText = apiKey === undefined ? undefined : Redacted.value(apiKey)
    const baseUrl = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")
    const settings: Settings = resolveSettings(options, {
      retry: RetryPolicy.defaults,
      requestTimeout: defaultRequestTimeout,
      prefetch: defaultPrefetch
    })

    // The key never appears in an error: scrub it from any text a response or
    // a transport failure contributes. (Real keys are 36-character UUIDs; a
    // key shorter than 8 characters is not scrubbed, as that would mangle text.)
    const scrub = keyText === undefined || keyText.length < 8
      ? (text: string) => text
      : (text: string) => text.includes(keyText) ? text.split(keyText).join("<redacted>") : text
    const scrubFields = <E extends Errors.TaxonomyError>(error: E): E => {
      if (keyText === undefined || keyText.length < 8 || !JSON.stringify(error).includes(keyText)) return error
      const Ctor = error.constructor as new(props: object, disableValidation: boolean) => E
      const { _tag, ...fields } = error as E & Record<string, unknown>
      return new Ctor(JSON.parse(scrub(JSON.stringify(fields))), true)
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
          return new Errors.TransportError({
            ...context,
            reason: "Other",
            description: scrub(`invalid request URL (check baseUrl): ${String(error.description ?? error.cause)}`)
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

    /** One attempt: request, read, classify or decode. */
    const attempt = (
      importId: ImportId,
      token: Option.Option<PageToken>,
      timeout: Duration.Duration
    ): Effect.Effect<SegmentPage, Errors.TaxonomyError> => {
      const context = { importId, pageToken: Option.getOrUndefined(token) }
      const request = HttpClientRequest.get(`/imports/${importId}/segments`, {
        urlParams: token._tag === "Some" ? { pagination_token: token.value } : undefined
      })
      return httpClient.execute(request).pipe(
        Effect.flatMap((response) =>
          Effect.flatMap(response.text, (body) => {
            if (response.status >= 200 && response.status < 300) {
              let json: unknown
              try {
                json = JSON.parse(body)
              } catch (cause) {
                return Effect.fail(
                  new Errors.MalformedResponse({
                    ...context,
                    status: response.status,
                    ...(response.headers["content-type"] !== undefined
                      ? { contentType: response.headers["content-type"] }
                      : {}),
                    path: "(body)",
                    problem: body === "" ? "the body is empty" : scrub(`not JSON (${(cause as Error).message})`),
                    excerpt: excerpt(scrub(body))
                  }, true)
                )
              }
              const decoded = decodePage(json, { importId, token })
              if (decoded._tag === "Right") return Effect.succeed(decoded.right)
              const first = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)[0]
              return Effect.fail(
                new Errors.MalformedResponse({
                  ...context,
                  status: response.status,
                  ...(response.headers["content-type"] !== undefined
                    ? { contentType: response.headers["content-type"] }
                    : {}),
                  path: first === undefined ? "(root)" : pathOf(first.path),
                  problem: scrub(first === undefined ? decoded.left.message : first.message),
                  excerpt: excerpt(scrub(body))
                }, true)
              )
            }
            return Effect.flatMap(Clock.currentTimeMillis, (now) =>
              Effect.fail(scrubFields(classifyResponse({
                ...context,
                status: response.status,
                contentType: response.headers["content-type"],
                retryAfter: response.headers["retry-after"],
                body,
                keySent: keyText !== undefined,
                now
              }))))
          })
        ),
        Effect.catchIf(HttpClientError.isHttpClientError, (error) => Effect.fail(fromHttpClientError(error, context))),
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () => new Errors.RequestTimeout({ ...context, timeoutMillis: Duration.toMillis(timeout) }, true)
        })
      )
    }

    const retrySchedule = (retry: RetryPolicy.Settings, importId: string) => {
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

    const fetchPage = (importId: ImportId, token: Option.Option<PageToken>, s: Settings) =>
      attempt(importId, token, s.requestTimeout).pipe(
        Effect.retry(retrySchedule(s.retry, importId)),
        Effect.withSpan("TaxonomyClient.page", {
          kind: "client",
          attributes: { "taxonomy.import_id": importId, "taxonomy.page.first": token._tag === "None" }
        })
      )

    const validate = (
      importId: string,
      token: string | undefined
    ): Errors.InvalidImportId | Errors.InvalidPageToken | { importId: ImportId; token: Option.Option<PageToken> } => {
      if (!isImportId(importId)) return new Errors.InvalidImportId({ importId }, true)
      if (token === undefined) return { importId, token: Option.none() }
      if (token === "") return new Errors.InvalidPageToken({ importId, pageToken: token }, true)
      return { importId, token: Option.some(PageToken.make(token)) }
    }

    const page: TaxonomyClient.TaxonomyClient.Service["page"] = (importId, pageOptions) =>
      Effect.suspend(() => {
        const input = validate(importId, pageOptions?.token)
        if (input instanceof Errors.InvalidImportId || input instanceof Errors.InvalidPageToken) {
          return Effect.fail(input)
        }
        return fetchPage(input.importId, input.token, resolveSettings(pageOptions, settings))
      })

    const pages: TaxonomyClient.TaxonomyClient.Service["pages"] = (importId, streamOptions) =>
      Stream.suspend(() => {
        const input = validate(importId, streamOptions?.from)
        if (input instanceof Errors.InvalidImportId || input instanceof Errors.InvalidPageToken) {
          return Stream.fail(input)
        }
        const s = resolveSettings(streamOptions, settings)
        const seen = new Set<string>()
        if (input.token._tag === "Some") seen.add(input.token.value)
        // where the consumer is: segments emitted so far, and the token that
        // fetches the first page not yet emitted (what to resume from)
        let emitted = 0
        let resumeToken: string | undefined = Option.getOrUndefined(input.token)
        let finished = false

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
          return Effect.map(fetchPage(input.importId, state.token, s), (page) => {
            const next = page.nextToken
            if (next._tag === "None") return [page, Option.none()] as const
            if (seen.has(next.value)) return [page, Option.some<StepState>({ _tag: "Loop", token: next.value })] as const
            seen.add(next.value)
            return [page, Option.some<StepState>({ _tag: "Fetch", token: next })] as const
          })
        }

        let stream: Stream.Stream<SegmentPage, Errors.TaxonomyError> = Stream.paginateEffect(
          { _tag: "Fetch", token: input.token } as StepState,
          step
        )
        if (s.prefetch > 0) stream = Stream.buffer(stream, { capacity: s.prefetch })
        stream = Stream.map(stream, (page) => {
          emitted += page.segments.length
          resumeToken = Option.getOrUndefined(page.nextToken)
          finished = page.nextToken._tag === "None"
          return page
        })
        if (streamOptions?.deadline !== undefined) {
          const deadline = Duration.decode(streamOptions.deadline)
          const expired = Effect.zipRight(
            Effect.sleep(deadline),
            Effect.suspend(() =>
              // every segment was already emitted: the stream is only closing
              finished ? Effect.never : Effect.fail(
                new Errors.DeadlineExceeded({ importId: input.importId, deadlineMillis: Duration.toMillis(deadline) }, true)
              )
            )
          )
          stream = Stream.interruptWhen(stream, expired)
        }
        return stream.pipe(
          Stream.mapError((error) => withProgress(error, emitted, resumeToken)),
          Stream.withSpan("TaxonomyClient.pages", { attributes: { "taxonomy.import_id": input.importId } })
        )
      })

    const segments: TaxonomyClient.TaxonomyClient.Service["segments"] = (importId, streamOptions) =>
      Stream.mapConcat(pages(importId, streamOptions), (page): ReadonlyArray<Segment> => page.segments)

    return { page, pages, segments } satisfies TaxonomyClient.TaxonomyClient.Service
  })
