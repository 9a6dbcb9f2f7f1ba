import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import { ApiError, pointerSegment, type FieldError } from "../lib/problem.ts";
import { problemText } from "../lib/messages/problems.ts";
import { routeOf } from "./request-context.ts";

const ACCEPTABLE = ["application/json", "application/problem+json", "application/merge-patch+json", "application/*", "*/*"];

/**
 * Far deeper than any schema goes. Walking JSON nested thousands of levels deep (here, and in the idempotency
 * fingerprint, which runs after this hook) would overflow the stack and answer 500. The body parser's check
 * (plugins/utf8.ts) walks through `badStringPaths` too.
 */
const MAX_DEPTH = 64;

/**
 * JSON Pointers of the strings under `value` (and, with `names`, of the member names) for which `bad` holds; the
 * one walk over a request's values for the checks of this plugin and of plugins/utf8.ts. A value nested deeper than
 * MAX_DEPTH is a 400 that names where.
 */
export function badStringPaths(value: unknown, bad: (text: string) => boolean, names = false, path = "", into: string[] = [], depth = 0): string[] {
  if (depth > MAX_DEPTH) {
    throw new ApiError("validation_failed", problemText("nestedTooDeep", { max: MAX_DEPTH }), {
      errors: [{ path, message: `is nested more than ${MAX_DEPTH} levels deep`, location: "body" }],
    });
  }
  if (typeof value === "string") {
    if (bad(value)) into.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => badStringPaths(item, bad, names, `${path}/${i}`, into, depth + 1));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const at = `${path}/${pointerSegment(key)}`;
      if (names && bad(key)) into.push(at);
      badStringPaths(item, bad, names, at, into, depth + 1);
    }
  }
  return into;
}

const hasNul = (text: string) => text.includes("\u0000");

declare module "fastify" {
  interface FastifyContextConfig {
    /** Media types this route can answer with besides JSON (Accept is checked against them too). */
    produces?: readonly string[];
  }
}

/** HTTP details every route shares: request id echo, JSON Merge Patch bodies, content negotiation. */
async function httpPlugin(app: FastifyInstance) {
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    done();
  });

  // In preParsing, like the auth plugin's 401: after the rate limiter has counted the request (so a 406 carries
  // RateLimit-* too) and before the body is read.
  app.addHook("preParsing", (request, _reply, payload, done) => {
    // 406 only for the JSON API; docs and the YAML spec negotiate on their own.
    const accept = request.headers.accept;
    if (accept && request.url.startsWith("/v1/")) {
      // A route may answer with other media types too (`config.produces`, e.g. text/calendar), which it then picks.
      const produces = routeOf(request).config?.produces ?? [];
      const types = accept.split(",").map((part) => part.split(";")[0]!.trim().toLowerCase());
      const acceptable = (type: string) =>
        ACCEPTABLE.includes(type) || type.endsWith("+json") || produces.some((media) => type === media || type === `${media.split("/")[0]}/*`);
      if (!types.some(acceptable)) {
        const offered = ["application/json", ...produces].join(" or ");
        throw new ApiError("not_acceptable", problemText("notAcceptable", { offered, accept }));
      }
    }
    done(null, payload);
  });

  // The API takes JSON only: Fastify's built-in text/plain parser would hand a string to the JSON schemas (400
  // instead of 415).
  app.removeContentTypeParser("text/plain");

  // PostgreSQL text cannot hold U+0000 (JSON "\u0000", query "%00"): such a value would fail in the database as a
  // 500, so it is rejected up front for every route, naming each field.
  app.addHook("preValidation", (request, _reply, done) => {
    const errors: FieldError[] = [
      ...badStringPaths(request.query, hasNul).map((path) => ({ path, message: "must not contain the NUL character (U+0000)", location: "query" as const })),
      ...badStringPaths(request.body, hasNul).map((path) => ({ path, message: "must not contain the NUL character (U+0000)", location: "body" as const })),
    ];
    if (errors.length > 0) {
      throw new ApiError("validation_failed", problemText("validationFailed", { count: errors.length }), { errors });
    }
    done();
  });

  // JSON and JSON Merge Patch bodies are parsed by plugins/utf8.ts.
}

export default fp(httpPlugin, { name: "http" });
