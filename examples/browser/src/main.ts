/**
 * The example page: streams an import's segments from this site's backend
 * (a `TaxonomyProxy` under `/api/taxonomy` that adds the API key), with a
 * live count against the total, a search box over names and codes, a stop
 * button, and one readable message per error tag.
 *
 * `body[data-state]` says where the page is (`idle`, `loading`, `done`,
 * `stopped`, `error`), and `#error[data-tag]` which error ended the load:
 * handy for people and for the browser test alike.
 */
import * as BrowserTaxonomyClient from "@effect-taxonomy/browser/BrowserTaxonomyClient"
import type { Segment } from "@effect-taxonomy/core/Segment"
import { TaxonomyClient } from "@effect-taxonomy/core/TaxonomyClient"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { describeError } from "./messages.js"

const element = <E extends HTMLElement>(id: string): E => {
  const found = document.getElementById(id)
  if (found === null) throw new Error(`#${id} is missing from the page`)
  return found as E
}

const form = element<HTMLFormElement>("load-form")
const importInput = element<HTMLInputElement>("import-id")
const stopButton = element<HTMLButtonElement>("stop")
const searchInput = element<HTMLInputElement>("search")
const list = element<HTMLUListElement>("segments")
const countText = element("count")
const totalText = element("total")
const shownText = element("shown")
const progress = element<HTMLProgressElement>("progress")
const errorBox = element("error")

/** The backend's proxy; the same origin as the page, so no CORS and no key. */
const TaxonomyLive = BrowserTaxonomyClient.layer({ baseUrl: "/api/taxonomy" })

type State = "idle" | "loading" | "done" | "stopped" | "error"
const setState = (state: State) => {
  document.body.dataset.state = state
  stopButton.disabled = state !== "loading"
}

let loaded = 0
let total: number | undefined

const renderCount = () => {
  countText.textContent = String(loaded)
  totalText.textContent = total === undefined ? "?" : String(total)
  progress.max = total ?? 0
  progress.value = loaded
}

const matches = (item: HTMLElement, query: string): boolean =>
  query === "" || (item.dataset.search ?? "").includes(query)

const applySearch = () => {
  const query = searchInput.value.trim().toLowerCase()
  let shown = 0
  for (const item of Array.from(list.children) as Array<HTMLElement>) {
    const visible = matches(item, query)
    item.hidden = !visible
    if (visible) shown++
  }
  shownText.textContent = query === "" ? "" : `${shown} shown`
}

const segmentItem = (segment: Segment, query: string): HTMLLIElement => {
  const item = document.createElement("li")
  item.dataset.code = segment.code
  item.dataset.search = `${segment.name}\n${segment.code}`.toLowerCase()
  const name = document.createElement("span")
  name.className = "name"
  name.textContent = segment.name
  const code = document.createElement("code")
  code.textContent = segment.code
  const cpm = document.createElement("span")
  cpm.className = "cpm"
  cpm.textContent = Option.match(segment.cpm, { onNone: () => "", onSome: (value) => `$${value.toFixed(2)}` })
  item.append(name, code, cpm)
  item.hidden = !matches(item, query)
  return item
}

/** Bumped by every load, so a stopped load that is still winding down never touches the page. */
let generation = 0

/** Every page of the import, appended to the list as it arrives. */
const loadImport = (importId: string, current: number) =>
  Effect.gen(function*() {
    const client = yield* TaxonomyClient
    yield* client.pages(importId).pipe(
      Stream.runForEach((page) =>
        Effect.sync(() => {
          if (current !== generation) return
          const query = searchInput.value.trim().toLowerCase()
          const fragment = document.createDocumentFragment()
          for (const segment of page.segments) fragment.append(segmentItem(segment, query))
          list.append(fragment)
          loaded += page.segments.length
          total = Option.getOrUndefined(page.totalCount) ?? total
          renderCount()
          applySearch()
        })
      )
    )
  }).pipe(
    Effect.matchEffect({
      onSuccess: () =>
        Effect.sync(() => {
          if (current === generation) setState("done")
        }),
      onFailure: (error) =>
        Effect.sync(() => {
          if (current !== generation) return
          errorBox.dataset.tag = error._tag
          errorBox.textContent = describeError(error)
          setState("error")
        })
    }),
    Effect.onInterrupt(() =>
      Effect.sync(() => {
        if (current === generation) setState("stopped")
      })
    ),
    Effect.provide(TaxonomyLive)
  )

let running: Fiber.RuntimeFiber<void> | undefined

const stop = () => {
  if (running !== undefined) {
    // interrupting the fiber aborts the fetch in flight
    Effect.runFork(Fiber.interrupt(running))
    running = undefined
  }
}

const start = (importId: string) => {
  stop()
  list.replaceChildren()
  errorBox.textContent = ""
  delete errorBox.dataset.tag
  loaded = 0
  total = undefined
  renderCount()
  applySearch()
  setState("loading")
  const url = new URL(location.href)
  url.searchParams.set("import", importId)
  history.replaceState(null, "", url)
  running = Effect.runFork(loadImport(importId, ++generation))
}

form.addEventListener("submit", (event) => {
  event.preventDefault()
  start(importInput.value.trim())
})
stopButton.addEventListener("click", stop)
searchInput.addEventListener("input", applySearch)

const fromQuery = new URLSearchParams(location.search).get("import")
if (fromQuery !== null && fromQuery !== "") {
  importInput.value = fromQuery
  start(fromQuery)
}
