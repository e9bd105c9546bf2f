/**
 * A readable sentence for every way loading an import can fail, keyed on the
 * error's `_tag`. The `switch` is exhaustive: a new error tag in the core
 * package fails type-checking here until it gets a message.
 */
import type { TaxonomyError } from "@effect-taxonomy/core/TaxonomyError"

const seconds = (millis: number): string => `${Math.max(1, Math.ceil(millis / 1000))} s`

const loadedBefore = (error: TaxonomyError): string =>
  error.segmentsEmitted !== undefined && error.segmentsEmitted > 0
    ? ` (${error.segmentsEmitted} segments were loaded before it.)`
    : ""

/** The message the page shows for `error`. */
export const describeError = (error: TaxonomyError): string => {
  switch (error._tag) {
    case "InvalidImportId":
      return `"${error.importId}" is not an import id. An import id is a UUID, like 9f87bd3e-32eb-4d15-8e85-17fb275fa809.`
    case "InvalidPageToken":
      return "The page to resume from is empty: the import was already complete."
    case "InvalidOptions":
      return `This page's Taxonomy client is misconfigured (${error.option} ${error.problem}). Please report it.`
    case "DoesNotExist":
      return `There is no import ${error.importId ?? ""}. Check the id, and that it belongs to this site's workspace.`
    case "RateLimited":
      return "The Taxonomy API is rate limiting this site" +
        (error.retryAfterMillis !== undefined
          ? `; try again in ${seconds(error.retryAfterMillis)}.`
          : "; try again in a minute.") +
        loadedBefore(error)
    case "TransportError":
      return `Could not reach the server (${error.reason === "Other" ? "network error" : error.reason}). ` +
        "Check your connection and try again." + loadedBefore(error)
    case "RequestTimeout":
      return `The server did not answer within ${seconds(error.timeoutMillis)}. Try again.` + loadedBefore(error)
    case "DeadlineExceeded":
      return `Loading took longer than ${seconds(error.deadlineMillis)} and was stopped.` + loadedBefore(error)
    case "MalformedResponse":
      return "The server answered with something that is not a page of segments. Please report it." +
        loadedBefore(error)
    case "PaginationLoop":
      return "The Taxonomy API sent the same page twice; loading stopped to avoid looping forever." +
        loadedBefore(error)
    case "AuthorizationMissing":
    case "InvalidAPIKey":
    case "InsufficientAPIKey":
    case "AuthorizationFailed":
    case "AuthorizationFailedForAPIKey":
    case "AuthorizationFailedForUser":
    case "SchemeNotSupported":
    case "BadOrigin":
    case "MissingOrigin":
      return `The Taxonomy API refused this site's credentials (${error._tag}). ` +
        "Whoever runs this site needs to check its API key."
    case "UnspecifiedInternalError":
    case "UnknownError":
      return `The Taxonomy API had a problem (HTTP ${error.status}). Try again later.` + loadedBefore(error)
    case "InvalidParameters":
    case "MissingParameters":
    case "ValidationError":
      return `The Taxonomy API rejected the request (${error.causeText ?? error._tag}).`
    case "AlreadyExists":
    case "BadEncoding":
    case "InvalidHeader":
    case "InvalidRequestBody":
    case "MissingHeader":
    case "MissingRequestBody":
    case "RouteDeprecated":
    case "VerbNotImplemented":
      return `The Taxonomy API could not serve this request (${error._tag}, HTTP ${error.status}). Please report it.`
  }
}
