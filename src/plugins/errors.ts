import fp from "fastify-plugin";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { ApiError, PROBLEM_MAX_FIELD_ERRORS, problemBody, type FieldError, type ProblemBody, type ProblemCode } from "../lib/problem.ts";
import { problemFromDatabaseError } from "../lib/prisma-errors.ts";
import { pointerSegment } from "../lib/problem.ts";
import { requestLanguage } from "../lib/i18n.ts";
import { issueMessage } from "../lib/messages/fields.ts";
import { problemText, type DetailMessage } from "../lib/messages/problems.ts";
import FindMyWay from "find-my-way";
import { redactUrl } from "../lib/logging.ts";

/**
 * One place turns every error into RFC 9457 problem+json: the app's own ApiErrors, Fastify's (body parsing,
 * limits, media types), zod validation, database errors. Anything else is logged and masked as a 500 that
 * carries only the request id.
 */

const LOCATIONS: Record<string, FieldError["location"]> = { body: "body", querystring: "query", params: "path", headers: "header" };

/** The value at a (validator's, unescaped) instance path; undefined when absent. */
function valueAt(data: unknown, path: string): unknown {
  let node = data;
  for (const segment of path === "" ? [] : path.split("/").slice(1)) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

const INPUTS: Record<string, (request: FastifyRequest) => unknown> = {
  body: (request) => request.body,
  querystring: (request) => request.query,
  params: (request) => request.params,
  headers: (request) => request.headers,
};

function validationErrors(
  error: FastifyError & { validation: Array<{ instancePath: string; message?: string; keyword: string; params?: Record<string, unknown> }> },
  request: FastifyRequest,
): FieldError[] {
  const context = (error as { validationContext?: string }).validationContext ?? "body";
  const location = LOCATIONS[context] ?? "body";
  const input = INPUTS[context]?.(request);
  return error.validation.flatMap((issue) => {
    const path = issue.instancePath === "/" ? "" : issue.instancePath;
    if (issue.keyword === "unrecognized_keys" && Array.isArray(issue.params?.keys)) {
      return (issue.params.keys as string[]).map((key) => ({
        path: `${path}/${pointerSegment(key)}`,
        message: location === "query" ? "is not a known query parameter here" : "is not a known field (unknown fields are rejected)",
        location,
      }));
    }
    // zod 4 leaves the input out of its issues, so look at what was sent: absent -> "is required".
    if (issue.keyword === "invalid_type" && valueAt(input, path) === undefined) {
      return [{ path, message: "is required", location }];
    }
    // Our own sentence, never zod's ("Invalid option: expected one of …"); translated when the problem is sent.
    return [{ path, message: issueMessage(issue), location }];
  });
}

/** Fastify's own errors, by code. */
const FASTIFY_CODES: Record<string, { code: ProblemCode; detail: DetailMessage }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: "payload_too_large", detail: problemText("bodyTooLarge") },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: "unsupported_media_type", detail: problemText("unsupportedMediaType") },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: "malformed_request", detail: problemText("emptyJsonBody") },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: "malformed_request", detail: problemText("invalidJsonBody") },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: "malformed_request", detail: problemText("invalidContentLength") },
  FST_ERR_BAD_URL: { code: "malformed_request", detail: problemText("badUrl") },
  FST_ERR_MAX_PARAM_LENGTH: { code: "malformed_request", detail: problemText("paramTooLong") },
};

const STATUS_CODES: Record<number, ProblemCode> = {
  400: "malformed_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  406: "not_acceptable",
  409: "conflict",
  412: "version_mismatch",
  413: "payload_too_large",
  415: "unsupported_media_type",
  428: "precondition_required",
  429: "rate_limited",
  503: "database_unavailable",
};

export function toApiError(error: unknown, request: FastifyRequest): ApiError | undefined {
  if (error instanceof ApiError) return error;
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = validationErrors(error as never, request);
    return new ApiError("validation_failed", problemText("validationFailed", { count: errors.length, listed: PROBLEM_MAX_FIELD_ERRORS }), { errors });
  }
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  // Every 503 says when to try again (the document declares Retry-After on each).
  if (known) return new ApiError(known.code, known.detail);
  const fromDatabase = problemFromDatabaseError(error, request.method === "DELETE" ? "delete" : "write");
  if (fromDatabase) return fromDatabase;
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    // Fastify's client errors (e.g. JSON with __proto__, bad Content-Length): their messages are safe to show.
    const code = STATUS_CODES[status] ?? "malformed_request";
    return new ApiError(code, fastifyError.message || "The request could not be processed.", { status });
  }
  return undefined;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: ProblemBody, headers: Record<string, string> = {}) {
  return reply
    .code(problem.status)
    // Also for errors raised before the hook that sets it has run (a request refused while closing, or shed).
    .header("x-request-id", request.id)
    .headers(headers)
    .header("content-language", requestLanguage(request))
    .type("application/problem+json; charset=utf-8")
    .serializer((payload) => JSON.stringify(payload))
    .send(problem);
}

/** Headers that describe a result; a 5xx has none, whatever the handler had set before it failed. */
const RESULT_HEADERS = ["location", "content-location", "etag", "last-modified", "link"];

/** Turns any error into a problem response (the app's error handler, and the handler of Fastify's framework errors). */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const apiError = toApiError(error, request);
  // A calendar feed's link holds its token: the problem (and whatever logs it) names the path without it.
  const context = { instance: redactUrl(request.url.split("?")[0]!), requestId: String(request.id), language: requestLanguage(request) };
  if (!apiError || apiError.status >= 500) for (const name of RESULT_HEADERS) reply.removeHeader(name);
  if (!apiError) {
    request.log.error({ err: error }, "unexpected error");
    return sendProblem(reply, request, problemBody("internal_error", problemText("internalError", { requestId: String(request.id) }), context));
  }
  if (apiError.status >= 500) request.log.warn({ err: error, code: apiError.code }, apiError.message);
  return sendProblem(
    reply,
    request,
    problemBody(apiError.code, apiError.detailMessage ?? apiError.message, {
      ...context,
      status: apiError.status,
      errors: apiError.errors,
      extensions: apiError.extensions,
    }),
    apiError.headers,
  );
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

async function errorsPlugin(app: FastifyInstance) {
  // A second router holding every route's path, to tell "wrong method" (405 + Allow) from "no such path" (404).
  const known = FindMyWay({ ignoreTrailingSlash: true });
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      if (METHODS.includes(method as (typeof METHODS)[number]) && !known.hasRoute(method as never, route.url)) {
        known.on(method as never, route.url, () => undefined);
      }
    }
  });
  const allowedMethods = (path: string) => METHODS.filter((method) => known.find(method as never, path) !== null);

  app.setErrorHandler(handleError);

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    const context = { instance: redactUrl(path), requestId: String(request.id), language: requestLanguage(request) };
    const allow = allowedMethods(path);
    // A route that exists for this method but found nothing (reply.callNotFound()) is a 404, not a 405.
    if (allow.length > 0 && !allow.includes(request.method as (typeof METHODS)[number])) {
      return sendProblem(
        reply,
        request,
        problemBody("method_not_allowed", problemText("methodNotAllowed", { method: request.method, path, allow: allow.join(", ") }), context),
        { allow: allow.join(", ") },
      );
    }
    return sendProblem(reply, request, problemBody("not_found", problemText("nothingAt", { method: request.method, path }), context));
  });
}

export default fp(errorsPlugin, { name: "errors" });
