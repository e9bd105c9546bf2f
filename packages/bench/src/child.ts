/**
 * One measurement in a fresh process, so that variants never share a heap,
 * a JIT or a connection pool, and the peak RSS is theirs alone. It reads a
 * {@link Task} as JSON from `argv[2]` and prints one JSON line: the task's
 * figures plus `maxRssKb` (`process.resourceUsage().maxRSS`).
 *
 * @since 0.1.0
 */
import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import * as NodeTaxonomyClient from "@effect-taxonomy/node/NodeTaxonomyClient"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Decode from "./decode.js"
import * as Variants from "./variants.js"

/**
 * What a child measures.
 *
 * @since 0.1.0
 */
export type Task =
  | {
    /** One timed pass of a variant over `importId`, after an untimed pass over `warmupImportId`. */
    readonly kind: "throughput"
    readonly variant: Variants.Variant
    readonly url: string
    readonly apiKey: string
    readonly importId: string
    readonly warmupImportId: string
  }
  | { readonly kind: "decode"; readonly segments: number; readonly pageSize: number; readonly millis: number }
  | {
    /**
     * `Stream.runForEach` over every segment of `importId`, one effect per
     * segment (`library`); or the floor's `fetch` loop over them (`floor`);
     * or the same loop in Effect (`effect`).
     */
    readonly kind: "memory"
    readonly variant: "library" | "floor" | "effect"
    readonly url: string
    readonly apiKey: string
    readonly importId: string
  }
  | {
    /** Every page of `importId` with `prefetch`, the consumer spending `workMs` (asynchronously) on each. */
    readonly kind: "prefetch"
    readonly url: string
    readonly apiKey: string
    readonly importId: string
    readonly prefetch: number
    readonly workMs: number
  }
  | {
    /** Every segment of `importIds` through `segmentsOfImports` at `concurrency`, after an untimed pass. */
    readonly kind: "imports"
    readonly url: string
    readonly apiKey: string
    readonly importIds: ReadonlyArray<string>
    readonly concurrency: number
  }

const layerFor = (task: { readonly url: string; readonly apiKey: string }) =>
  NodeTaxonomyClient.layer({ baseUrl: task.url, apiKey: Redacted.make(task.apiKey) })

const timed = async <A>(f: () => Promise<A>): Promise<{ readonly result: A; readonly wallMs: number }> => {
  const start = performance.now()
  const result = await f()
  return { result, wallMs: performance.now() - start }
}

const runTask = async (task: Task): Promise<Record<string, unknown>> => {
  switch (task.kind) {
    case "throughput": {
      await Variants.run(task.variant, { ...task, importId: task.warmupImportId })
      const { result, wallMs } = await timed(() => Variants.run(task.variant, task))
      return { wallMs, segments: result.count, chars: result.chars }
    }
    case "decode":
      return { rows: Decode.run(task) }
    case "memory": {
      if (task.variant !== "library") {
        const loop = task.variant === "floor" ? Variants.floor : Variants.effectLoop
        const { result, wallMs } = await timed(() => loop(task))
        return { wallMs, segments: result.count }
      }
      let count = 0
      const { wallMs } = await timed(() =>
        Effect.runPromise(
          Effect.flatMap(TaxonomyClient, (client) =>
            Stream.runForEach(client.segments(task.importId), (segment) =>
              Effect.sync(() => {
                if (segment.name.length > 0) {
                  count++
                }
              }))).pipe(Effect.provide(layerFor(task)))
        )
      )
      return { wallMs, segments: count }
    }
    case "prefetch": {
      let pages = 0
      const { wallMs } = await timed(() =>
        Effect.runPromise(
          Effect.flatMap(TaxonomyClient, (client) =>
            Stream.runForEach(client.pages(task.importId, { prefetch: task.prefetch }), () =>
              Effect.sleep(task.workMs).pipe(Effect.zipRight(Effect.sync(() =>
                pages++
              ))))).pipe(
              Effect.provide(layerFor(task))
            )
        )
      )
      return { wallMs, pages }
    }
    case "imports": {
      let count = 0
      const all = () =>
        Effect.runPromise(
          Effect.flatMap(TaxonomyClient, (client) =>
            Stream.runForEachChunk(
              client.segmentsOfImports(task.importIds, { concurrency: task.concurrency }),
              (chunk) => Effect.sync(() => count += chunk.length)
            )).pipe(Effect.provide(layerFor(task)))
        )
      // an untimed pass first, as for throughput: the JIT warm, the code loaded
      await all()
      count = 0
      const { wallMs } = await timed(all)
      return { wallMs, segments: count }
    }
  }
}

const main = async () => {
  const task = JSON.parse(process.argv[2] ?? "{}") as Task
  const figures = await runTask(task)
  process.stdout.write(JSON.stringify({ ...figures, maxRssKb: process.resourceUsage().maxRSS }) + "\n")
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
