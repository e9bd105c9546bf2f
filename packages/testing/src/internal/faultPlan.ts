import type * as FaultPlan from "../FaultPlan.js"
import * as Prng from "./prng.js"

/** What a plan sees of a request that reached the page handler. @internal */
export interface FaultContext {
  readonly index: number
  readonly importId: string
  /** 1-based */
  readonly page: number
  readonly offset: number
  /** The `pagination_token` as received, if any. */
  readonly token: string | undefined
}

/** The mutable state of one plan inside one store. @internal */
export interface FaultRunner {
  readonly decide: (context: FaultContext) => FaultPlan.Fault | undefined
}

/** @internal */
export const makeRunner = (plan: FaultPlan.FaultPlan): FaultRunner => {
  switch (plan._tag) {
    case "None":
      return { decide: () => undefined }
    case "Scripted": {
      const used = plan.entries.map(() => 0)
      const matches = (entry: FaultPlan.ScriptEntry, context: FaultContext): boolean =>
        (entry.index === undefined || entry.index === context.index) &&
        (entry.page === undefined || entry.page === context.page) &&
        (entry.token === undefined || entry.token === context.token) &&
        (entry.importId === undefined || entry.importId.toLowerCase() === context.importId.toLowerCase())
      return {
        decide: (context) => {
          for (let i = 0; i < plan.entries.length; i++) {
            const entry = plan.entries[i]!
            if (entry.times !== undefined && used[i]! >= entry.times) continue
            if (!matches(entry, context)) continue
            used[i] = used[i]! + 1
            return entry.fault
          }
          return undefined
        }
      }
    }
    case "Random": {
      const rng = Prng.make(Prng.hash32(`faults\u0000${Prng.seedOf(plan.seed)}`))
      const consecutive = new Map<string, number>()
      return {
        decide: (context) => {
          // always draw both numbers, so one request's outcome never shifts
          // the sequence seen by the next
          const roll = rng.next()
          const choice = rng.next()
          const key = `${context.importId.toLowerCase()}\u0000${context.offset}`
          const streak = consecutive.get(key) ?? 0
          if (plan.faults.length === 0 || roll >= plan.rate || streak >= plan.maxConsecutive) {
            consecutive.delete(key)
            return undefined
          }
          consecutive.set(key, streak + 1)
          return plan.faults[Math.floor(choice * plan.faults.length)]
        }
      }
    }
  }
}
