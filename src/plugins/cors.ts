import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";

/**
 * CORS for the browser origins in CORS_ORIGINS (off when the list is empty). Credentials are API keys sent in
 * `Authorization`, never cookies, so no `Access-Control-Allow-Credentials`; `*` in the list allows any origin.
 *
 * Preflights are answered here, in a hook, rather than by an `OPTIONS *` route: such a route would make every path
 * "exist" for OPTIONS and turn 404s into 405s. A preflight from an origin not on the list falls through to the
 * normal routing and gets no CORS headers, so the browser blocks the request.
 */

export type CorsOptions = { origins: string[] };

const ALLOWED_METHODS = "GET, HEAD, POST, PATCH, DELETE";
const ALLOWED_HEADERS = "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id";
const EXPOSED_HEADERS = [
  "ETag",
  "Location",
  "Link",
  "X-Request-Id",
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
  "Retry-After",
  "Idempotent-Replayed",
  "Allow",
].join(", ");
/** Seconds a browser may cache a preflight (Chromium caps it at 7200). */
const PREFLIGHT_MAX_AGE = "600";

async function corsPlugin(app: FastifyInstance, options: CorsOptions) {
  if (options.origins.length === 0) return;
  const anyOrigin = options.origins.includes("*");
  const allowed = new Set(options.origins);

  app.addHook("onRequest", async (request, reply) => {
    // The answer depends on Origin, so caches must keep one copy per origin.
    reply.header("vary", "Origin");
    const origin = request.headers.origin;
    if (typeof origin !== "string" || !(anyOrigin || allowed.has(origin.toLowerCase()))) return;
    reply.header("access-control-allow-origin", anyOrigin ? "*" : origin);

    if (request.method === "OPTIONS" && request.headers["access-control-request-method"] !== undefined) {
      // Answered before the http plugin's hook, which sets X-Request-Id on everything else.
      return reply
        .code(204)
        .header("x-request-id", request.id)
        .header("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
        .header("access-control-allow-methods", ALLOWED_METHODS)
        .header("access-control-allow-headers", ALLOWED_HEADERS)
        .header("access-control-max-age", PREFLIGHT_MAX_AGE)
        .send();
    }
    reply.header("access-control-expose-headers", EXPOSED_HEADERS);
  });
}

export default fp(corsPlugin, { name: "cors" });
