/**
 * The `taxonomy-export` command: stream an import's segments to stdout or a
 * file as NDJSON, CSV or a JSON array, with progress on stderr and a distinct
 * exit code per error class.
 *
 * ```sh
 * PERMUTIVE_API_KEY=... taxonomy-export 9f87bd3e-32eb-4d15-8e85-17fb275fa809 > segments.ndjson
 * taxonomy-export 9f87bd3e-... --format csv --out segments.csv --key-file ~/.permutive-key
 * taxonomy-export 9f87bd3e-... --from 'MTIzNA==' --out segments.ndjson --append
 * taxonomy-export 9f87bd3e-... --from 'MTIzNA==' >> segments.ndjson
 * ```
 *
 * Resuming: `--append` adds to `--out FILE` without a second CSV header and
 * continues a JSON array (a failed JSON export leaves its array closed);
 * with `--from` and output on stdout, CSV has no header row, so the output
 * can be appended (`>>`) to the first run's.
 *
 * @since 0.1.0
 */
import type { InvalidOptions, TaxonomyError } from "@effect-taxonomy/core/TaxonomyError"
import { isTaxonomyError, isTransient } from "@effect-taxonomy/core/TaxonomyError"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import { Buffer } from "node:buffer"
import { closeSync, createWriteStream, fstatSync, openSync, readFileSync, readSync } from "node:fs"
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
 * | 0 | every segment exported: a full run wrote as many as the server's total count; a resumed run (`--from`) wrote the rest, from its token to the end (not checked against the total). Also when the reader of stdout went away (`taxonomy-export ... \| head`): the export stops there, with nothing printed |
 * | 1 | an unexpected failure (a bug: please report it) |
 * | 2 | usage: bad arguments, no API key, a bad environment variable or option, an invalid import id or token, `--append` without `--out` or to a file that holds no JSON array |
 * | 3 | authentication or authorisation: the key is missing, invalid or not allowed |
 * | 4 | the import does not exist |
 * | 5 | rate limited, and the retries ran out (or the wait asked for is too long) |
 * | 6 | the API or the network kept failing (5xx, timeouts, transport), retries exhausted |
 * | 7 | the API broke its contract: malformed page, pagination loop, count mismatch, other 4xx |
 * | 8 | the output could not be written (a closed pipe too, with `--out FILE`) |
 * | 130 | interrupted by SIGINT (Ctrl-C): the output holds whole pages (a JSON array is closed) and the command to resume was printed |
 * | 143 | interrupted by SIGTERM, likewise |
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
  Output: 8,
  Interrupted: 130,
  Terminated: 143
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
  /**
   * How a printed resume command starts, and the arguments it repeats
   * (default: `taxonomy-export` and the arguments given to {@link run}). A
   * wrapper that adds arguments of its own names its own command line here:
   * `pnpm demo` prints `pnpm demo -- <your arguments> --from ... --append`,
   * without the address of its fake API, which is gone by then.
   */
  readonly invocation?: { readonly command: string; readonly args: ReadonlyArray<string> } | undefined
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
    Options.withDescription(
      "Append to --out FILE instead of replacing it, to resume a failed export: NDJSON lines and CSV rows are " +
        "added (no header row when the file is not empty), and a JSON array in the file is continued " +
        "(the file must end with \"]\"). Needs --out."
    )
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
    Options.withDescription(
      "Resume from this pagination token (printed by a failed export). With output on stdout, CSV has no " +
        "header row, so the output can be appended (>>) to the first run's file."
    ),
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
      "5 rate limited, 6 API or network unavailable, 7 API contract broken, 8 output failed, 1 unexpected. " +
      "Ctrl-C (SIGINT) or SIGTERM stops it after the page being written (a JSON array is closed), prints how to " +
      "resume, and exits 130 (143 on SIGTERM); a second Ctrl-C stops it at once. When the reader of stdout goes " +
      "away (taxonomy-export ... | head), the export stops there, quietly, and exits 0."
  ),
  HelpDoc.p(
    "To resume an export to --out FILE, run the printed command: --from TOKEN --append adds the rest to FILE " +
      "(no second CSV header; a JSON array is continued: a failed JSON export leaves it closed with \"]\"). " +
      "To resume an export to stdout, append the rest to the same file with >>: with --from and output on " +
      "stdout, CSV has no header row. A JSON array on stdout cannot be resumed: use --out FILE."
  ),
  HelpDoc.h2("Examples"),
  HelpDoc.p("PERMUTIVE_API_KEY=... taxonomy-export 9f87bd3e-32eb-4d15-8e85-17fb275fa809 > segments.ndjson"),
  HelpDoc.p("taxonomy-export 9f87bd3e-32eb-4d15-8e85-17fb275fa809 --format csv --out segments.csv --key-file key.txt"),
  HelpDoc.p("taxonomy-export 9f87bd3e-32eb-4d15-8e85-17fb275fa809 --from 'MTIzNA==' --out segments.ndjson --append"),
  HelpDoc.p("taxonomy-export 9f87bd3e-32eb-4d15-8e85-17fb275fa809 --format csv --from 'MTIzNA==' >> segments.csv")
])

/**
 * The client options the command sets, with the environment variable (see
 * `NodeTaxonomyClient.environment`) and the flag that set them, so that a
 * problem names what the user wrote.
 */
const settings: ReadonlyArray<{ readonly option: string; readonly variable: string; readonly flag?: string }> = [
  { option: "apiKey", variable: NodeTaxonomyClient.environment.apiKey, flag: "--key-file" },
  { option: "baseUrl", variable: NodeTaxonomyClient.environment.baseUrl, flag: "--base-url" },
  { option: "requestTimeout", variable: NodeTaxonomyClient.environment.requestTimeout },
  { option: "prefetch", variable: NodeTaxonomyClient.environment.prefetch, flag: "--prefetch" },
  { option: "retry.maxAttempts", variable: NodeTaxonomyClient.environment.maxAttempts },
  { option: "retry.maxDelay", variable: NodeTaxonomyClient.environment.maxDelay },
  { option: "retry.maxElapsed", variable: NodeTaxonomyClient.environment.maxElapsed },
  { option: "retry.maxRetryAfter", variable: NodeTaxonomyClient.environment.maxRetryAfter }
]

/** `PERMUTIVE_PREFETCH (option prefetch; --prefetch sets it too)` */
const aboutVariable = (setting: (typeof settings)[number]): string =>
  `${setting.variable} (option ${setting.option}${setting.flag !== undefined ? `; ${setting.flag} sets it too` : ""})`

const configProblems = (error: ConfigError.ConfigError): ReadonlyArray<string> => {
  switch (error._op) {
    case "And":
    case "Or":
      return [...configProblems(error.left), ...configProblems(error.right)]
    default: {
      const variable = error.path.join("_")
      const setting = settings.find((s) => s.variable === variable)
      return [`${setting !== undefined ? aboutVariable(setting) : variable}: ${error.message}`]
    }
  }
}

/** `Invalid environment variable PERMUTIVE_REQUEST_TIMEOUT (option requestTimeout): Expected a duration...` */
const describeConfigError = (error: ConfigError.ConfigError): string => {
  const problems = configProblems(error)
  return problems.length === 1
    ? `Invalid environment variable ${problems[0]}`
    : `Invalid environment variables: ${problems.join("; ")}`
}

/**
 * The value of an option in `argv` (`--out FILE`, `-o FILE`, `--out=FILE`;
 * the last one given), or `undefined`. For what to print after a failure:
 * the command itself reads its options through @effect/cli.
 */
const optionValue = (argv: ReadonlyArray<string>, names: ReadonlyArray<string>): string | undefined => {
  let value: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--") break
    if (names.includes(arg)) {
      value = argv[i + 1] ?? ""
      i++
      continue
    }
    const long = names.find((n) => n.startsWith("--") && arg.startsWith(`${n}=`))
    if (long !== undefined) value = arg.slice(long.length + 1)
  }
  return value
}

/** An `InvalidOptions` message naming the flag or environment variable the option came from. */
const describeInvalidOptions = (error: InvalidOptions, argv: ReadonlyArray<string>): string => {
  const setting = settings.find((s) => s.option === error.option)
  if (setting === undefined || error.importId !== undefined) return error.message
  const source = setting.flag !== undefined && optionValue(argv, [setting.flag]) !== undefined
    ? `${setting.flag} (option ${setting.option})`
    : `environment variable ${aboutVariable(setting)}`
  return `Invalid ${source}: ${error.problem}. No request was sent.`
}

/** Where the export writes, and how the format starts there. */
interface Target {
  readonly stream: Writable
  /** CSV: write the header row. */
  readonly header: boolean
  /** JSON: the array in the file to continue. */
  readonly continueArray: { readonly hasElements: boolean } | undefined
  /** NDJSON and CSV appends: the records in the file before this run. */
  readonly recordsBefore: number | undefined
}

const BLOCK = 64 * 1024
const NEWLINE = 0x0a
const QUOTE = 0x22
const isJsonSpace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d

/** The offset of the last byte before `end` that is not JSON whitespace, or -1. */
const lastNonSpace = (fd: number, end: number): number => {
  const buffer = Buffer.alloc(BLOCK)
  for (let stop = end; stop > 0;) {
    const start = Math.max(0, stop - BLOCK)
    const read = readSync(fd, buffer, 0, stop - start, start)
    for (let i = read - 1; i >= 0; i--) if (!isJsonSpace(buffer[i]!)) return start + i
    stop = start
  }
  return -1
}

/** The offset of the first byte that is not JSON whitespace, or -1. */
const firstNonSpace = (fd: number, size: number): number => {
  const buffer = Buffer.alloc(BLOCK)
  for (let start = 0; start < size;) {
    const read = readSync(fd, buffer, 0, Math.min(BLOCK, size - start), start)
    if (read === 0) break
    for (let i = 0; i < read; i++) if (!isJsonSpace(buffer[i]!)) return start + i
    start += read
  }
  return -1
}

const byteAt = (fd: number, position: number): number => {
  const buffer = Buffer.alloc(1)
  readSync(fd, buffer, 0, 1, position)
  return buffer[0]!
}

/**
 * The records in an NDJSON file (lines) or a CSV file (rows: line ends
 * outside quoted fields, less a header row), in one read through the file.
 */
const countRecords = (fd: number, size: number, format: "ndjson" | "csv"): number => {
  const buffer = Buffer.alloc(BLOCK)
  const header = Buffer.from(SegmentExport.csvColumns.join(",") + "\r\n")
  let lineEnds = 0
  let quoted = false
  let last = NEWLINE
  let startsWithHeader = false
  for (let position = 0; position < size;) {
    const read = readSync(fd, buffer, 0, Math.min(BLOCK, size - position), position)
    if (read === 0) break
    const chunk = buffer.subarray(0, read)
    if (position === 0) startsWithHeader = chunk.subarray(0, header.length).equals(header)
    if (format === "ndjson") {
      for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lineEnds++
    } else {
      for (let i = 0; i < read; i++) {
        const byte = chunk[i]!
        if (byte === QUOTE) quoted = !quoted
        else if (byte === NEWLINE && !quoted) lineEnds++
      }
    }
    last = chunk[read - 1]!
    position += read
  }
  const records = lineEnds + (last === NEWLINE ? 0 : 1)
  return format === "csv" && startsWithHeader ? records - 1 : records
}

/**
 * Opens `--out FILE`: replaced, or with `--append` added to. Appending to a
 * JSON file continues the array in it: the writes start over its closing
 * `]`, so the file is unchanged until the first one.
 */
const openTarget = (file: string, append: boolean, format: SegmentExport.Format): Target => {
  if (!append) {
    return {
      stream: createWriteStream(file, { fd: openSync(file, "w") }),
      header: true,
      continueArray: undefined,
      recordsBefore: undefined
    }
  }
  const fd = openSync(file, "a+")
  try {
    const size = fstatSync(fd).size
    if (format !== "json") {
      return {
        stream: createWriteStream(file, { fd }),
        header: size === 0,
        continueArray: undefined,
        recordsBefore: size === 0 ? 0 : countRecords(fd, size, format)
      }
    }
    const end = lastNonSpace(fd, size)
    // an empty file (or only whitespace): a new array
    if (end === -1) {
      return {
        stream: createWriteStream(file, { fd }),
        header: true,
        continueArray: undefined,
        recordsBefore: undefined
      }
    }
    const notAnArray = (problem: string) =>
      new UsageError({
        reason: `cannot append to ${file} with --format json: ${problem}, so it does not hold a JSON array to ` +
          `continue (append to a file written with --format json, or leave out --append to replace the file)`
      })
    if (byteAt(fd, end) !== 0x5d) throw notAnArray(`it does not end with "]"`)
    const start = firstNonSpace(fd, size)
    if (byteAt(fd, start) !== 0x5b) throw notAnArray(`it does not start with "["`)
    // continue after the last element (or the `[`), dropping the `]` and the whitespace before it
    const before = lastNonSpace(fd, end)
    const out = openSync(file, "r+")
    closeSync(fd)
    return {
      stream: createWriteStream(file, { fd: out, start: before + 1 }),
      header: true,
      continueArray: { hasElements: before !== start },
      recordsBefore: undefined
    }
  } catch (error) {
    closeSync(fd)
    throw error
  }
}

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
 * The command, writing to the given streams; `written` is kept up to date
 * with the pages written, for what to print if the run is interrupted.
 */
const command = (io: Io, written?: Ref.Ref<Option.Option<SegmentExport.Progress>>) =>
  Command.make(name, { importId: importIdArg, ...optionsSpec }, (args) =>
    Effect.gen(function*() {
      const outFile = Option.getOrUndefined(args.out)
      const from = Option.getOrUndefined(args.from)
      if (args.append && outFile === undefined) {
        return yield* new UsageError({
          reason: "--append needs --out FILE, the file to append to (to append stdout to a file, use >> FILE)"
        })
      }
      const apiKey = yield* readKey(args.keyFile)
      const fromEnv = yield* NodeTaxonomyClient.optionsFromEnvWithoutKey.pipe(
        Effect.mapError((error) => new UsageError({ reason: describeConfigError(error) }))
      )
      const clientOptions = {
        ...fromEnv,
        apiKey,
        ...Option.match(args.baseUrl, { onNone: () => ({}), onSome: (baseUrl) => ({ baseUrl }) }),
        ...Option.match(args.prefetch, { onNone: () => ({}), onSome: (prefetch) => ({ prefetch }) })
      }
      const target: Target = outFile !== undefined
        ? yield* Effect.acquireRelease(
          // open now, so a bad path fails before anything is fetched
          Effect.try({
            try: () => openTarget(outFile, args.append, args.format),
            catch: (cause) =>
              cause instanceof UsageError
                ? cause
                : new SegmentExport.OutputError({
                  description: (cause as Error).message,
                  ...(typeof (cause as NodeJS.ErrnoException).code === "string"
                    ? { code: (cause as NodeJS.ErrnoException).code! }
                    : {}),
                  segmentsWritten: 0
                })
          }),
          ({ stream }) => Effect.async<void>((resume) => void stream.end(() => resume(Effect.void)))
        )
        : {
          stream: io.stdout,
          // a resumed run's rows go after the first run's, which has the header
          header: from === undefined,
          continueArray: undefined,
          recordsBefore: undefined
        }
      const reporter = Progress.make({
        mode: args.quiet ? "quiet" : io.stderrIsTTY ? "bar" : "lines",
        write: (text) => void io.stderr.write(text),
        resumed: from !== undefined
      })
      const summary = yield* SegmentExport.run({
        importId: args.importId,
        output: target.stream,
        format: args.format,
        header: target.header,
        continueArray: target.continueArray,
        ...(from !== undefined ? { from } : {}),
        onProgress: (p) =>
          Effect.zipRight(
            written !== undefined ? Ref.set(written, Option.some(p)) : Effect.void,
            Effect.sync(() => reporter.update(p))
          )
      }).pipe(
        Effect.provide(NodeTaxonomyClient.layer(clientOptions)),
        // stdout's reader went away (`| head`): the export ends there, quietly and successfully, as Unix tools
        // end on a closed pipe; the stream is no longer pulled, so no further page is fetched
        Effect.catchIf(
          (error) => outFile === undefined && error._tag === "OutputError" && error.code === "EPIPE",
          () => Effect.succeed(undefined)
        ),
        Effect.ensuring(Effect.sync(() => reporter.finish()))
      )
      if (summary === undefined) return
      if (!args.quiet) {
        // a resumed run wrote the segments after its token only: nothing to compare with the total
        const counts = from !== undefined
          ? `resumed run wrote ${Progress.number(summary.segments)} segments, ${Progress.timing(summary)}`
          : `${Progress.describe(summary)}${summary.matchesTotal === true ? "; matches the server's total count" : ""}`
        const where = outFile === undefined
          ? ""
          : !args.append
          ? `; written to ${outFile}`
          : target.recordsBefore !== undefined
          ? `; appended to ${outFile}, which now holds ${
            Progress.number(target.recordsBefore + summary.segments)
          } records`
          : `; appended to ${outFile}`
        io.stderr.write(`${name}: import ${args.importId}: ${counts}${where}\n`)
      }
      if (summary.matchesTotal === false) {
        return yield* Effect.fail(new CountMismatch({ written: summary.segments, totalCount: summary.totalCount! }))
      }
    }).pipe(Effect.scoped)).pipe(Command.withDescription(description))

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
export const make = (io: Io) => command(io)

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
export const describeFailure = (error: unknown, argv: ReadonlyArray<string>, command: string = name): string => {
  const tag = typeof error === "object" && error !== null && "_tag" in error ? `${String(error._tag)}: ` : ""
  const message = isTaxonomyError(error) && error._tag === "InvalidOptions"
    ? describeInvalidOptions(error, argv)
    : error instanceof Error
    ? error.message
    : String(error)
  const out = `${name}: ${tag}${message.split("\n")[0]}\n`
  return isTaxonomyError(error) && error.segmentsEmitted !== undefined && error.segmentsEmitted > 0
    ? out + resumeHint(argv, error.segmentsEmitted, error.pageToken, command)
    : out
}

/** `text` in single quotes, for a POSIX shell (a `'` in it closes, escapes and reopens them). */
const quoted = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`

/** An argument as a shell reads it back: as it is when it is safe, else quoted. */
const shellWord = (arg: string): string => /^[\w./:=@%+,-]+$/.test(arg) ? arg : quoted(arg)

/** How to resume a run that wrote `segmentsWritten` segments, from `pageToken`. */
const resumeHint = (
  argv: ReadonlyArray<string>,
  segmentsWritten: number,
  pageToken: string | undefined,
  invoked: string
): string => {
  const written = `${name}: ${segmentsWritten} segments were written`
  const rest = argv.filter((arg, i) => arg !== "--from" && argv[i - 1] !== "--from" && !arg.startsWith("--from="))
  const command = `${invoked} ${rest.map(shellWord).join(" ")}${
    pageToken === undefined ? "" : ` --from ${quoted(pageToken)}`
  }`
  if (optionValue(argv, ["--out", "-o"]) !== undefined) {
    return `${written}; resume with: ${command}${rest.includes("--append") ? "" : " --append"}\n`
  }
  if (optionValue(argv, ["--format", "-f"]) === "json") {
    return `${written} to stdout; a JSON array on stdout cannot be resumed: export again with --out FILE ` +
      `(an export to a file can be resumed with --from and --append)\n`
  }
  return `${written} to stdout; to resume, append the rest to the same file: ${command} >> <your file>\n`
}

/**
 * What to print when a run is interrupted (Ctrl-C): that it was, and, when
 * it wrote pages and more were to come, how to resume after the last one.
 */
const describeInterruption = (
  written: Option.Option<SegmentExport.Progress>,
  argv: ReadonlyArray<string>,
  command: string
): string =>
  Option.match(written, {
    onNone: () => `${name}: interrupted before any segment was written\n`,
    onSome: (progress) =>
      progress.nextToken === undefined
        ? `${name}: interrupted after the last page: all ${progress.segments} segments were written\n`
        : `${name}: interrupted\n${resumeHint(argv, progress.segments, progress.nextToken, command)}`
  })

/** Terminal colour and style sequences (what @effect/cli puts in its help and errors). */
// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;]*m/g

/**
 * The console of @effect/cli (its help, usage errors and wizard) on `io`:
 * without colour codes where the stream is not a terminal, and its usage
 * errors on stderr as one would expect of this command, each line starting
 * with `taxonomy-export: `.
 */
const withIoConsole = (io: Io) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Console.consoleWith((current) => {
    const stdoutIsTTY = (io.stdout as { readonly isTTY?: boolean }).isTTY === true
    const print = (stream: Writable, isTTY: boolean, prefix: string) => (...args: ReadonlyArray<unknown>) =>
      Effect.sync(() => {
        const text = args.map(String).join(" ")
        const plain = isTTY ? text : text.replace(ansi, "")
        const lines = prefix === "" ?
          plain :
          plain.trimEnd().split("\n").map((line) => line.trim() === "" ? line : `${prefix}${line}`).join("\n")
        stream.write(lines + "\n")
      })
    return Effect.withConsole(effect, {
      ...current,
      log: print(io.stdout, stdoutIsTTY, ""),
      info: print(io.stdout, stdoutIsTTY, ""),
      error: print(io.stderr, io.stderrIsTTY, `${name}: `),
      warn: print(io.stderr, io.stderrIsTTY, `${name}: `)
    })
  })

/**
 * Runs the command on `argv` (without the `node` and script entries) and
 * returns the exit code; failures are printed to `io.stderr`. When the run is
 * interrupted (the executable interrupts it on SIGINT and SIGTERM), its
 * finalizers run (a JSON array is closed, `--out FILE` is flushed and
 * closed), it prints to `io.stderr` how to resume, and ends interrupted.
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
export const run = (argv: ReadonlyArray<string>, io: Io) => {
  // what a printed resume command starts with and repeats
  const shown = io.invocation ?? { command: name, args: argv }
  return Effect.flatMap(
    Ref.make(Option.none<SegmentExport.Progress>()),
    (written) =>
      Effect.uninterruptibleMask((restore) =>
        restore(Command.run(command(io, written), { name, version })(["node", name, ...argv])).pipe(
          withIoConsole(io),
          Effect.onInterrupt(() =>
            Effect.flatMap(
              Ref.get(written),
              (progress) =>
                Effect.sync(() => void io.stderr.write(describeInterruption(progress, shown.args, shown.command)))
            )
          ),
          Effect.exit,
          Effect.flatMap((exit) =>
            // interrupted: it ends interrupted (the executable's exit code says by which signal)
            Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)
              ? Effect.failCause(exit.cause as Cause.Cause<never>) // interruptions only, no failure
              : Effect.sync(() => exitCodeOf(exit, io, shown))
          )
        )
      )
  )
}

/** The exit code of a finished run; its failure is printed to `io.stderr`. */
const exitCodeOf = (
  exit: Exit.Exit<unknown, unknown>,
  io: Io,
  shown: { readonly command: string; readonly args: ReadonlyArray<string> }
): number => {
  if (Exit.isSuccess(exit)) return ExitCode.Ok
  const failure = Cause.failureOption(exit.cause)
  const error: unknown = Option.isSome(failure) ? failure.value : Cause.squash(exit.cause)
  // @effect/cli already printed usage errors with the help text
  if (!ValidationError.isValidationError(error)) {
    io.stderr.write(describeFailure(error, shown.args, shown.command))
  }
  return exitCodeFor(error)
}

/** Within this time of the first, a signal is the same one delivered again, not a second Ctrl-C. */
const sameSignalMillis = 500

/**
 * Runs a program that ends with an exit code (such as {@link run}) as the
 * process's main program: its code becomes the process's. As
 * `@effect/platform-node`'s `NodeRuntime.runMain` does, SIGINT (Ctrl-C) and
 * SIGTERM interrupt it, so its finalizers run (a JSON array is closed, the
 * output file flushed, the command to resume printed); unlike `runMain`, the
 * exit code then tells the signal, as a shell reports it (130, 143). A second
 * signal ends the process at once, unless it comes within half a second of
 * the first: a launcher that relays signals to its child (tsx, pnpm) delivers
 * one Ctrl-C twice.
 * A defect is printed, with exit code 1.
 *
 * @example
 * ```ts
 * import * as Cli from "@effect-taxonomy/node/Cli"
 * import * as NodeContext from "@effect/platform-node/NodeContext"
 * import * as Effect from "effect/Effect"
 *
 * Cli.runMain(
 *   Cli.run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stderrIsTTY: false }).pipe(
 *     Effect.provide(NodeContext.layer)
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category running
 */
export const runMain = (program: Effect.Effect<number>): void => {
  const fiber = Effect.runFork(program)
  const exitCodes = { SIGINT: ExitCode.Interrupted, SIGTERM: ExitCode.Terminated } as const
  let signal: keyof typeof exitCodes | undefined
  let first = 0
  const onSignal = (received: keyof typeof exitCodes) => {
    if (signal === undefined) {
      signal = received
      first = performance.now()
      fiber.unsafeInterruptAsFork(fiber.id())
    } else if (performance.now() - first > sameSignalMillis) {
      // a second Ctrl-C: end as the signal would have without a handler
      process.off("SIGINT", onSignal)
      process.off("SIGTERM", onSignal)
      process.kill(process.pid, received)
    }
    // else the same Ctrl-C, delivered twice: to the process group and again
    // by a launcher that relays it to its child (tsx, pnpm)
  }
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
  const release = () => {
    process.off("SIGINT", onSignal)
    process.off("SIGTERM", onSignal)
  }
  fiber.addObserver((exit) => {
    if (Exit.isSuccess(exit)) {
      release()
      process.exitCode = exit.value
    } else if (signal !== undefined && Cause.isInterruptedOnly(exit.cause)) {
      // what the export wrote may still be queued for a slow reader (a pipe):
      // it was counted in the resume command, so it goes out before the exit
      // (the handlers stay: a repeat of the same signal must not cut it short)
      const code = exitCodes[signal]
      let queued = 2
      const flushed = () => {
        if (--queued === 0) process.exit(code)
      }
      process.stdout.write("", flushed)
      process.stderr.write("", flushed)
    } else {
      release()
      // `run` prints its failures and returns their codes: this is a defect
      process.stderr.write(`${name}: ${Cause.pretty(exit.cause)}\n`)
      process.exitCode = ExitCode.Unexpected
    }
  })
}

/** @internal */
export type Failure = TaxonomyError | SegmentExport.OutputError | UsageError | CountMismatch
