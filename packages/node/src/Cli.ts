/**
 * The `taxonomy-export` command: stream an import's segments to stdout or a
 * file as NDJSON, CSV or a JSON array, with progress on stderr and a distinct
 * exit code per error class.
 *
 * ```sh
 * PERMUTIVE_API_KEY=... taxonomy-export 9f87bd3e-32eb-4d15-8e85-17fb275fa809 > segments.ndjson
 * taxonomy-export 9f87bd3e-... --format csv --out segments.csv --key-file ~/.permutive-key
 * taxonomy-export 9f87bd3e-... --from 'MTIzNA==' --out segments.ndjson --append
 * ```
 *
 * @since 0.1.0
 */
import type { TaxonomyError } from "@effect-taxonomy/core/TaxonomyError"
import { isTaxonomyError, isTransient } from "@effect-taxonomy/core/TaxonomyError"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { createWriteStream, openSync, readFileSync } from "node:fs"
import type { Writable } from "node:stream"
import * as Progress from "./internal/progress.js"
import * as NodeTaxonomyClient from "./NodeTaxonomyClient.js"
import * as SegmentExport from "./SegmentExport.js"

/**
 * The command's name.
 *
 * @example
 * ```ts
 * import * as Cli from "@effect-taxonomy/node/Cli"
 *
 * console.log(Cli.name) // "taxonomy-export"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const name = "taxonomy-export"

/**
 * The command's version.
 *
 * @example
 * ```ts
 * import * as Cli from "@effect-taxonomy/node/Cli"
 *
 * console.log(`${Cli.name} ${Cli.version}`)
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const version = "0.1.0"

/**
 * Exit codes, one per error class.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | every segment exported |
 * | 1 | an unexpected failure (a bug: please report it) |
 * | 2 | usage: bad arguments, no API key, an invalid import id or token |
 * | 3 | authentication or authorisation: the key is missing, invalid or not allowed |
 * | 4 | the import does not exist |
 * | 5 | rate limited, and the retries ran out (or the wait asked for is too long) |
 * | 6 | the API or the network kept failing (5xx, timeouts, transport), retries exhausted |
 * | 7 | the API broke its contract: malformed page, pagination loop, count mismatch, other 4xx |
 * | 8 | the output could not be written |
 *
 * @example
 * ```ts
 * import { ExitCode } from "@effect-taxonomy/node/Cli"
 *
 * ExitCode.NotFound // 4
 * ```
 *
 * @since 0.1.0
 * @category exit codes
 */
export const ExitCode = {
  Ok: 0,
  Unexpected: 1,
  Usage: 2,
  Auth: 3,
  NotFound: 4,
  RateLimited: 5,
  Unavailable: 6,
  Protocol: 7,
  Output: 8
} as const

/**
 * The exit code for an error the export failed with.
 *
 * @example
 * ```ts
 * import { exitCodeFor } from "@effect-taxonomy/node/Cli"
 * import { DoesNotExist } from "@effect-taxonomy/core/TaxonomyError"
 *
 * exitCodeFor(new DoesNotExist({ status: 404 })) // 4
 * ```
 *
 * @since 0.1.0
 * @category exit codes
 */
export const exitCodeFor = (error: unknown): number => {
  if (error instanceof SegmentExport.OutputError) return ExitCode.Output
  if (error instanceof UsageError || ValidationError.isValidationError(error)) return ExitCode.Usage
  if (error instanceof CountMismatch) return ExitCode.Protocol
  if (!isTaxonomyError(error)) return ExitCode.Unexpected
  switch (error._tag) {
    case "InvalidImportId":
    case "InvalidPageToken":
    case "InvalidOptions":
    case "InvalidParameters":
    case "MissingParameters":
    case "ValidationError":
      return ExitCode.Usage
    case "AuthorizationMissing":
    case "InvalidAPIKey":
    case "AuthorizationFailed":
    case "AuthorizationFailedForAPIKey":
    case "AuthorizationFailedForUser":
    case "InsufficientAPIKey":
    case "BadOrigin":
    case "MissingOrigin":
    case "SchemeNotSupported":
      return ExitCode.Auth
    case "DoesNotExist":
      return ExitCode.NotFound
    case "RateLimited":
      return ExitCode.RateLimited
    case "TransportError":
    case "RequestTimeout":
    case "DeadlineExceeded":
      return ExitCode.Unavailable
    case "MalformedResponse":
    case "PaginationLoop":
      return ExitCode.Protocol
    default:
      return isTransient(error) || error.status >= 500 ? ExitCode.Unavailable : ExitCode.Protocol
  }
}

/**
 * The command line was usable but wrong (no API key, an unreadable key file).
 *
 * @example
 * ```ts
 * import { UsageError } from "@effect-taxonomy/node/Cli"
 *
 * new UsageError({ reason: "no API key" })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Schema.TaggedError<UsageError>("@effect-taxonomy/UsageError")("UsageError", {
  reason: Schema.String
}) {
  override get message(): string {
    return this.reason
  }
}

/**
 * The export finished but wrote a different number of segments than the
 * server's total count.
 *
 * @example
 * ```ts
 * import { CountMismatch } from "@effect-taxonomy/node/Cli"
 *
 * new CountMismatch({ written: 9, totalCount: 10 })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class CountMismatch
  extends Schema.TaggedError<CountMismatch>("@effect-taxonomy/CountMismatch")("CountMismatch", {
    written: Schema.NonNegativeInt,
    totalCount: Schema.NonNegativeInt
  })
{
  override get message(): string {
    return `wrote ${this.written} segments but the server's total count is ${this.totalCount}`
  }
}

/**
 * Where the command reads and writes: the process's streams and environment
 * by default; tests pass their own.
 *
 * @example
 * ```ts
 * import type { Io } from "@effect-taxonomy/node/Cli"
 * import { PassThrough } from "node:stream"
 *
 * const io: Io = { stdout: new PassThrough(), stderr: new PassThrough(), stderrIsTTY: false }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Io {
  readonly stdout: Writable
  readonly stderr: Writable
  /** Whether stderr is a terminal (a progress bar) or not (plain lines). */
  readonly stderrIsTTY: boolean
}

const importIdArg = Args.text({ name: "importId" }).pipe(
  Args.withDescription("The import whose segments to export (a UUID).")
)

const optionsSpec = {
  out: Options.text("out").pipe(
    Options.withAlias("o"),
    Options.withPseudoName("FILE"),
    Options.withDescription("Write to FILE instead of stdout."),
    Options.optional
  ),
  append: Options.boolean("append").pipe(
    Options.withDescription("Append to --out FILE instead of replacing it (to resume an NDJSON export).")
  ),
  format: Options.choice("format", SegmentExport.formats).pipe(
    Options.withAlias("f"),
    Options.withDefault("ndjson" as SegmentExport.Format),
    Options.withDescription(
      "ndjson (one JSON object per line), csv (header row, RFC 4180 quoting) or json (one array)."
    )
  ),
  keyFile: Options.text("key-file").pipe(
    Options.withPseudoName("FILE"),
    Options.withDescription("Read the API key from FILE (default: the PERMUTIVE_API_KEY variable)."),
    Options.optional
  ),
  baseUrl: Options.text("base-url").pipe(
    Options.withPseudoName("URL"),
    Options.withDescription(
      "The API's base URL (default: PERMUTIVE_BASE_URL, else https://api.permutive.app/audience-api/v1)."
    ),
    Options.optional
  ),
  from: Options.text("from").pipe(
    Options.withPseudoName("TOKEN"),
    Options.withDescription("Resume from this pagination token (printed by a failed export)."),
    Options.optional
  ),
  prefetch: Options.integer("prefetch").pipe(
    Options.withPseudoName("PAGES"),
    Options.withDescription("Pages fetched ahead while writing (default 1)."),
    Options.optional
  ),
  quiet: Options.boolean("quiet").pipe(
    Options.withAlias("q"),
    Options.withDescription("No progress and no summary on stderr; errors are still printed.")
  )
}

const description = HelpDoc.blocks([
  HelpDoc.p("Stream every segment of a Taxonomy API import to stdout or a file."),
  HelpDoc.p(
    "The API key comes from PERMUTIVE_API_KEY or --key-file, never from a flag value. Progress goes to stderr: " +
      "a bar on a terminal, plain lines otherwise, nothing with --quiet. On failure the command prints the token " +
      "to resume from and exits with a code per error class: 2 usage, 3 authentication, 4 import not found, " +
      "5 rate limited, 6 API or network unavailable, 7 API contract broken, 8 output failed, 1 unexpected."
  ),
  HelpDoc.h2("Examples"),
  HelpDoc.p("PERMUTIVE_API_KEY=... taxonomy-export 9f87bd3e-32eb-4d15-8e85-17fb275fa809 > segments.ndjson"),
  HelpDoc.p("taxonomy-export 9f87bd3e-32eb-4d15-8e85-17fb275fa809 --format csv --out segments.csv --key-file key.txt"),
  HelpDoc.p("taxonomy-export 9f87bd3e-32eb-4d15-8e85-17fb275fa809 --from 'MTIzNA==' --out segments.ndjson --append")
])

const readKey = (keyFile: Option.Option<string>) =>
  Option.match(keyFile, {
    onSome: (file) =>
      Effect.try({
        try: () => readFileSync(file, "utf8").trim(),
        catch: (cause) => new UsageError({ reason: `cannot read --key-file ${file}: ${(cause as Error).message}` })
      }).pipe(
        Effect.filterOrFail((key) => key !== "", () => new UsageError({ reason: `--key-file ${file} is empty` })),
        Effect.map(Redacted.make)
      ),
    onNone: () =>
      Config.redacted(NodeTaxonomyClient.environment.apiKey).pipe(
        Effect.mapError(() => new UsageError({ reason: "no API key: set PERMUTIVE_API_KEY or pass --key-file FILE" }))
      )
  })

/**
 * The command, writing to the given streams.
 *
 * @example
 * ```ts
 * import * as Cli from "@effect-taxonomy/node/Cli"
 *
 * const command = Cli.make({ stdout: process.stdout, stderr: process.stderr, stderrIsTTY: false })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (io: Io) =>
  Command.make(name, { importId: importIdArg, ...optionsSpec }, (args) =>
    Effect.gen(function*() {
      const apiKey = yield* readKey(args.keyFile)
      const fromEnv = yield* NodeTaxonomyClient.optionsFromEnvWithoutKey.pipe(
        Effect.mapError((error) => new UsageError({ reason: `bad environment: ${error.message}` }))
      )
      const clientOptions = {
        ...fromEnv,
        apiKey,
        ...Option.match(args.baseUrl, { onNone: () => ({}), onSome: (baseUrl) => ({ baseUrl }) }),
        ...Option.match(args.prefetch, { onNone: () => ({}), onSome: (prefetch) => ({ prefetch }) })
      }
      const outFile = Option.getOrUndefined(args.out)
      const output: Writable = outFile !== undefined
        ? yield* Effect.acquireRelease(
          // open now, so a bad path fails before anything is fetched
          Effect.try({
            try: () => createWriteStream(outFile, { fd: openSync(outFile, args.append ? "a" : "w") }),
            catch: (cause) =>
              new SegmentExport.OutputError({ description: (cause as Error).message, segmentsWritten: 0 })
          }),
          (stream) => Effect.async<void>((resume) => void stream.end(() => resume(Effect.void)))
        )
        : io.stdout
      const reporter = Progress.make({
        mode: args.quiet ? "quiet" : io.stderrIsTTY ? "bar" : "lines",
        write: (text) => void io.stderr.write(text)
      })
      const from = Option.getOrUndefined(args.from)
      const summary = yield* SegmentExport.run({
        importId: args.importId,
        output,
        format: args.format,
        ...(from !== undefined ? { from } : {}),
        onProgress: (p) => Effect.sync(() => reporter.update(p))
      }).pipe(
        Effect.provide(NodeTaxonomyClient.layer(clientOptions)),
        Effect.ensuring(Effect.sync(() => reporter.finish()))
      )
      if (!args.quiet) {
        io.stderr.write(
          `${name}: import ${args.importId}: ${Progress.describe(summary)}` +
            `${summary.matchesTotal === true ? "; matches the server's total count" : ""}` +
            `${outFile !== undefined ? `; written to ${outFile}` : ""}\n`
        )
      }
      if (summary.matchesTotal === false) {
        return yield* Effect.fail(new CountMismatch({ written: summary.segments, totalCount: summary.totalCount! }))
      }
    }).pipe(Effect.scoped)).pipe(Command.withDescription(description))

/**
 * What to print for a failure: one line with the error's tag and message,
 * and, when a stream ended part-way, how to resume.
 *
 * @example
 * ```ts
 * import { describeFailure } from "@effect-taxonomy/node/Cli"
 * import { RateLimited } from "@effect-taxonomy/core/TaxonomyError"
 *
 * describeFailure(new RateLimited({ status: 429, pageToken: "MTIzNA==", segmentsEmitted: 100 }), ["9f87bd3e-..."])
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const describeFailure = (error: unknown, argv: ReadonlyArray<string>): string => {
  const tag = typeof error === "object" && error !== null && "_tag" in error ? `${String(error._tag)}: ` : ""
  const message = error instanceof Error ? error.message : String(error)
  let out = `${name}: ${tag}${message.split("\n")[0]}\n`
  if (isTaxonomyError(error) && error.segmentsEmitted !== undefined && error.segmentsEmitted > 0) {
    const rest = argv.filter((arg, i) => arg !== "--from" && argv[i - 1] !== "--from" && !arg.startsWith("--from="))
    const resume = error.pageToken === undefined ? "" : ` --from '${error.pageToken}'`
    out += `${name}: ${error.segmentsEmitted} segments were written; resume with: ${name} ${rest.join(" ")}${resume}` +
      `${rest.includes("--out") || rest.includes("-o") ? (rest.includes("--append") ? "" : " --append") : ""}\n`
  }
  return out
}

const withIoConsole = (io: Io) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Console.consoleWith((current) => {
    const print = (stream: Writable) => (...args: ReadonlyArray<unknown>) =>
      Effect.sync(() => void stream.write(args.map(String).join(" ") + "\n"))
    return Effect.withConsole(effect, {
      ...current,
      log: print(io.stdout),
      info: print(io.stdout),
      error: print(io.stderr),
      warn: print(io.stderr)
    })
  })

/**
 * Runs the command on `argv` (without the `node` and script entries) and
 * returns the exit code; failures are printed to `io.stderr`.
 *
 * @example
 * ```ts
 * import * as Cli from "@effect-taxonomy/node/Cli"
 * import * as NodeContext from "@effect/platform-node/NodeContext"
 * import * as Effect from "effect/Effect"
 *
 * const code = await Effect.runPromise(
 *   Cli.run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stderrIsTTY: false }).pipe(
 *     Effect.provide(NodeContext.layer)
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category running
 */
export const run = (argv: ReadonlyArray<string>, io: Io) =>
  Command.run(make(io), { name, version })(["node", name, ...argv]).pipe(
    withIoConsole(io),
    Effect.exit,
    Effect.map((exit) => {
      if (Exit.isSuccess(exit)) return ExitCode.Ok
      const failure = Cause.failureOption(exit.cause)
      const error: unknown = Option.isSome(failure) ? failure.value : Cause.squash(exit.cause)
      // @effect/cli already printed usage errors with the help text
      if (!ValidationError.isValidationError(error)) io.stderr.write(describeFailure(error, argv))
      return exitCodeFor(error)
    })
  )

/** @internal */
export type Failure = TaxonomyError | SegmentExport.OutputError | UsageError | CountMismatch
