import fp from "fastify-plugin";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { routeOf } from "./request-context.ts";

/**
 * Security headers on every response (OWASP's REST Security cheat sheet). The API answers JSON that no browser
 * should render, frame or load anything from, so its policy forbids everything; Swagger UI at /docs loads its own
 * scripts and styles from /docs/static (no inline scripts) and needs inline styles and data: images; so does the
 * Scalar reference at /reference (its script from /reference/assets, its start-up from /reference/init.js).
 *
 * Strict-Transport-Security only on requests that arrived over HTTPS (TLS at this server, or X-Forwarded-Proto:
 * https from a trusted proxy, TRUST_PROXY=true): RFC 6797 forbids it over plain HTTP, where browsers ignore it.
 * No includeSubDomains: the service cannot know what else runs under its domain.
 *
 * Why not @fastify/helmet: with it (its defaults, this API policy) a GET by id cost 13 % more server CPU, about 11 µs
 * (A/B over HTTP in both orders: 1.15 and 1.11; bench/RESULTS.md). Its onRequest hook is async, a promise per request,
 * and it sends twelve headers where a JSON API needs four; by default it also sends HSTS over plain HTTP, which
 * RFC 6797 forbids.
 */

const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const DOCS_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const HSTS = "max-age=31536000";

const isDocs = (request: FastifyRequest) => {
  const path = routeOf(request).url ?? request.url.split("?")[0] ?? "";
  return path === "/docs" || path.startsWith("/docs/") || path === "/reference" || path.startsWith("/reference/");
};

/** The headers of an API answer that has no request to look at (one Node's HTTP parser refused). */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy": API_POLICY,
};

/** The headers for `request`'s response; also used for errors Fastify raises before any hook runs. */
export function securityHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = { ...API_SECURITY_HEADERS, "content-security-policy": isDocs(request) ? DOCS_POLICY : API_POLICY };
  if (request.protocol === "https") headers["strict-transport-security"] = HSTS;
  return headers;
}

async function securityHeadersPlugin(app: FastifyInstance) {
  app.addHook("onRequest", (request, reply, done) => {
    reply.headers(securityHeaders(request));
    done();
  });
}

export default fp(securityHeadersPlugin, { name: "security-headers" });
