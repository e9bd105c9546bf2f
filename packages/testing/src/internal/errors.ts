/** @internal */
export const variants = [
  "AlreadyExists",
  "AuthorizationFailed",
  "AuthorizationFailedForAPIKey",
  "AuthorizationFailedForUser",
  "AuthorizationMissing",
  "BadEncoding",
  "BadOrigin",
  "DoesNotExist",
  "InsufficientAPIKey",
  "InvalidAPIKey",
  "InvalidHeader",
  "InvalidParameters",
  "InvalidRequestBody",
  "MissingHeader",
  "MissingOrigin",
  "MissingParameters",
  "MissingRequestBody",
  "RouteDeprecated",
  "SchemeNotSupported",
  "UnknownError",
  "UnspecifiedInternalError",
  "ValidationError",
  "VerbNotImplemented"
] as const

/** @internal */
export type Variant = typeof variants[number]

/** @internal */
export type ErrorForm = "wrapper" | "tagged" | "documented"

/** @internal */
export const variantStatus: { readonly [V in Variant]: number } = {
  AlreadyExists: 409,
  AuthorizationFailed: 403,
  AuthorizationFailedForAPIKey: 403,
  AuthorizationFailedForUser: 403,
  AuthorizationMissing: 401,
  BadEncoding: 400,
  BadOrigin: 403,
  DoesNotExist: 404,
  InsufficientAPIKey: 403,
  InvalidAPIKey: 401,
  InvalidHeader: 400,
  InvalidParameters: 400,
  InvalidRequestBody: 400,
  MissingHeader: 400,
  MissingOrigin: 400,
  MissingParameters: 400,
  MissingRequestBody: 400,
  RouteDeprecated: 410,
  SchemeNotSupported: 400,
  UnknownError: 500,
  UnspecifiedInternalError: 500,
  ValidationError: 400,
  VerbNotImplemented: 405
}

/**
 * The numeric `code` of the documented envelope. Permutive publishes the
 * shape, not a table; these are stable, distinct and grouped by family
 * (1xxx request, 2xxx auth, 3xxx resource, 4xxx routing, 5xxx server). The
 * one published value, 2000 for an invalid API key, is kept.
 *
 * @internal
 */
export const documentedCode: { readonly [V in Variant]: number } = {
  InvalidParameters: 1000,
  MissingParameters: 1001,
  InvalidHeader: 1002,
  MissingHeader: 1003,
  InvalidRequestBody: 1004,
  MissingRequestBody: 1005,
  BadEncoding: 1006,
  ValidationError: 1007,
  SchemeNotSupported: 1008,
  InvalidAPIKey: 2000,
  AuthorizationMissing: 2001,
  AuthorizationFailed: 2002,
  AuthorizationFailedForAPIKey: 2003,
  AuthorizationFailedForUser: 2004,
  InsufficientAPIKey: 2005,
  BadOrigin: 2006,
  MissingOrigin: 2007,
  DoesNotExist: 3000,
  AlreadyExists: 3001,
  VerbNotImplemented: 4000,
  RouteDeprecated: 4001,
  UnspecifiedInternalError: 5000,
  UnknownError: 5001
}

/** @internal */
export const variantMessage: { readonly [V in Variant]: string } = {
  AlreadyExists: "The resource already exists.",
  AuthorizationFailed: "You are not authorized to perform this action.",
  AuthorizationFailedForAPIKey: "The API key provided is not authorized to perform this action.",
  AuthorizationFailedForUser: "The user is not authorized to perform this action.",
  AuthorizationMissing: "No API key was provided.",
  BadEncoding: "The request could not be decoded.",
  BadOrigin: "The request origin is not allowed.",
  DoesNotExist: "The requested resource does not exist.",
  InsufficientAPIKey: "The API key provided does not have sufficient permissions; a private key is required.",
  InvalidAPIKey: "The API key provided is invalid.",
  InvalidHeader: "A request header is invalid.",
  InvalidParameters: "The request parameters are invalid.",
  InvalidRequestBody: "The request body is invalid.",
  MissingHeader: "A required request header is missing.",
  MissingOrigin: "The request origin is missing.",
  MissingParameters: "Required request parameters are missing.",
  MissingRequestBody: "The request body is missing.",
  RouteDeprecated: "This route is deprecated.",
  SchemeNotSupported: "The authorization scheme is not supported.",
  UnknownError: "An unknown error occurred.",
  UnspecifiedInternalError: "An internal error occurred.",
  ValidationError: "The request failed validation.",
  VerbNotImplemented: "This HTTP method is not implemented for this route."
}

const reasonPhrases: Readonly<Record<number, string>> = {
  200: "OK",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

/** @internal */
export const reasonPhrase = (status: number): string => reasonPhrases[status] ?? `Status ${status}`

/** @internal */
export const docsUrl = (variant: Variant): string =>
  `https://developer.permutive.com/reference/errors#${
    variant.replace(/[A-Z]/g, (c, i) => (i > 0 ? "-" : "") + c.toLowerCase())
  }`

/** @internal */
export interface ErrorBodyOptions {
  readonly variant: Variant
  readonly form: ErrorForm
  readonly requestId: string
  readonly status: number
  readonly cause?: string | undefined
  readonly details?: Readonly<Record<string, unknown>> | undefined
}

const payload = (options: ErrorBodyOptions): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  if (options.variant === "UnknownError") {
    out.s = { code: options.status }
    out.co = options.status
    out.m = reasonPhrase(options.status)
  }
  if (options.cause !== undefined) out.c = options.cause
  if (options.details !== undefined) out.d = options.details
  return out
}

/** @internal */
export const errorJson = (options: ErrorBodyOptions): unknown => {
  switch (options.form) {
    case "wrapper":
      return { requestId: options.requestId, error: { [options.variant]: payload(options) } }
    case "tagged":
      return { requestId: options.requestId, error: { _tag: options.variant, ...payload(options) } }
    case "documented":
      return {
        request_id: options.requestId,
        error: {
          status: reasonPhrase(options.status),
          code: documentedCode[options.variant],
          message: variantMessage[options.variant],
          ...(options.cause !== undefined ? { cause: options.cause } : {}),
          docs: docsUrl(options.variant)
        }
      }
  }
}

/** @internal */
export const errorBody = (options: ErrorBodyOptions): string => JSON.stringify(errorJson(options))

/** @internal */
export const gatewayHtml = (status: number): string => {
  const title = `${status} ${reasonPhrase(status)}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>awselb/2.0</center>\r\n</body>\r\n</html>\r\n`
}
