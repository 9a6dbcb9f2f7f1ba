import type { Language } from "./i18n.ts";
import { fieldMessage } from "./messages/fields.ts";
import { PROBLEM_TITLES_PL, problemText, renderDetail, type DetailMessage } from "./messages/problems.ts";

/**
 * RFC 9457 problem details. Every error the service sends is one of these, with a stable `code`. Titles, details and
 * field messages are written in the request's language (English or Polish); `type`, `code` and pointers never change.
 */

export type FieldError = {
  /** JSON Pointer (RFC 6901) into the request part named by `location`. */
  path: string;
  message: string;
  location?: "body" | "query" | "path" | "header";
};

export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
};

/** The catalogue of problem codes: one title each, documented at /problems/{code}. */
export const PROBLEM_TYPES = {
  validation_failed: { status: 400, title: "The request is not valid" },
  malformed_request: { status: 400, title: "The request could not be parsed" },
  invalid_cursor: { status: 400, title: "The pagination cursor is not valid" },
  unauthorized: { status: 401, title: "Authentication is required" },
  forbidden: { status: 403, title: "Not allowed" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  not_acceptable: { status: 406, title: "No acceptable representation" },
  conflict: { status: 409, title: "Conflict with an existing record" },
  still_referenced: { status: 409, title: "The record is still referenced" },
  transition_not_allowed: { status: 409, title: "The status change is not allowed from the current status" },
  idempotency_key_in_use: { status: 409, title: "A request with this idempotency key is still in progress" },
  request_incomplete: { status: 408, title: "The request was not received in time" },
  version_mismatch: { status: 412, title: "The record has changed since you read it" },
  payload_too_large: { status: 413, title: "The request body is too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  idempotency_key_reused: { status: 422, title: "The idempotency key was used with a different request" },
  headers_too_large: { status: 431, title: "The request line or headers are too large" },
  reference_not_found: { status: 422, title: "A referenced record does not exist" },
  too_many_rows: { status: 422, title: "Too many records match for one export" },
  webhook_url_refused: { status: 422, title: "The webhook target URL is refused" },
  precondition_required: { status: 428, title: "A precondition header is required" },
  rate_limited: { status: 429, title: "Too many requests" },
  internal_error: { status: 500, title: "Internal server error" },
  database_unavailable: { status: 503, title: "The database is unavailable" },
  request_timeout: { status: 503, title: "The request took too long to answer" },
  overloaded: { status: 503, title: "The service is overloaded" },
  shutting_down: { status: 503, title: "The service is shutting down" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_TYPES;

export const problemTypeUri = (code: ProblemCode) => `/problems/${code}`;

/**
 * An error that becomes a problem response. Thrown by services and plugins; mapped in one place. The detail is a
 * catalogue message (`problemText(key, params)`, written in the request's language when sent) or plain text, which
 * is sent as it is in every language (`message` is always the English text, for logs).
 */
export class ApiError extends Error {
  readonly detailMessage?: DetailMessage;
  readonly status: number;
  readonly code: ProblemCode;
  readonly errors?: FieldError[];
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    code: ProblemCode,
    detail: string | DetailMessage,
    options: { errors?: FieldError[]; extensions?: Record<string, unknown>; headers?: Record<string, string>; status?: number } = {},
  ) {
    super(typeof detail === "string" ? detail : renderDetail(detail, "en"));
    if (typeof detail !== "string") this.detailMessage = detail;
    this.name = "ApiError";
    this.code = code;
    this.status = options.status ?? PROBLEM_TYPES[code].status;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

/** Size limits of a problem body (declared in its schema): long inputs echoed in a detail or pointer are cut. */
export const PROBLEM_TEXT_MAX = 2000;
export const FIELD_ERROR_TEXT_MAX = 1000;
export const PROBLEM_MAX_FIELD_ERRORS = 100;
/** A client's own `X-Request-Id` is kept when it is 1–128 of `[A-Za-z0-9_.:-]`. */
export const REQUEST_ID_MAX_LENGTH = 128;

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export const problemTitle = (code: ProblemCode, language: Language) => (language === "pl" ? PROBLEM_TITLES_PL[code] : PROBLEM_TYPES[code].title);

export function problemBody(
  code: ProblemCode,
  detail: string | DetailMessage,
  context: {
    status?: number;
    instance?: string;
    requestId?: string;
    errors?: FieldError[];
    extensions?: Record<string, unknown>;
    /** The language of title, detail and field messages; English when not given. */
    language?: Language;
  } = {},
): ProblemBody {
  const language = context.language ?? "en";
  // Extensions first: a member such as `status` in them must never override the problem's own fields.
  return {
    ...context.extensions,
    type: problemTypeUri(code),
    title: problemTitle(code, language),
    status: context.status ?? PROBLEM_TYPES[code].status,
    detail: cut(typeof detail === "string" ? detail : renderDetail(detail, language), PROBLEM_TEXT_MAX),
    instance: context.instance === undefined ? undefined : cut(context.instance, PROBLEM_TEXT_MAX),
    code,
    requestId: context.requestId,
    ...(context.errors && context.errors.length > 0
      ? {
          errors: context.errors
            .slice(0, PROBLEM_MAX_FIELD_ERRORS)
            .map((error) => ({
              ...error,
              path: cut(error.path, FIELD_ERROR_TEXT_MAX),
              message: cut(fieldMessage(error.message, language), FIELD_ERROR_TEXT_MAX),
            })),
        }
      : {}),
  };
}

export const notFound = (resource: string, id: string) => new ApiError("not_found", problemText("notFound", { resource, id }));

/** RFC 6901: escape a property name for use as one JSON Pointer segment. */
export const pointerSegment = (segment: string | number) => String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
export const toPointer = (path: ReadonlyArray<PropertyKey>) =>
  path.length === 0 ? "" : "/" + path.map((p) => pointerSegment(typeof p === "symbol" ? p.toString() : p)).join("/");
