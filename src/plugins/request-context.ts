import fp from "fastify-plugin";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { RequestContext } from "../lib/request-context.ts";

/**
 * What the hooks read of the route a request matched: its pattern (undefined: none matched) and its config; `is404`:
 * whether it was read from the not-found handler's route.
 */
type RouteOf = { url: string | undefined; config: FastifyRequest["routeOptions"]["config"]; is404: boolean };

declare module "fastify" {
  interface FastifyRequest {
    context: RequestContext;
    /** Read through routeOf. */
    matchedRoute: RouteOf | null;
  }
}

/**
 * The route `request` matched, read once per request: Fastify's `request.routeOptions` builds a new object of a dozen
 * members at every read, and the auth, rate limit, security header and metrics hooks read it seven times a request.
 */
export function routeOf(request: FastifyRequest): RouteOf {
  // A request's route changes once at most: a handler that calls reply.callNotFound() hands the request over to the
  // not-found handler's route (request.is404 turns true), and what was read of the route it left no longer holds.
  const is404 = request.is404;
  if (!request.matchedRoute || request.matchedRoute.is404 !== is404) {
    const { url, config } = request.routeOptions;
    request.matchedRoute = { url, config, is404 };
  }
  return request.matchedRoute;
}

/**
 * Opens the per-request context (request id now; the auth plugin adds the actor, the idempotency plugin its
 * transaction hooks), which the routes pass to the services that write.
 */
async function requestContextPlugin(app: FastifyInstance) {
  app.decorateRequest("context", null as unknown as RequestContext);
  app.decorateRequest("matchedRoute", null);
  app.addHook("onRequest", (request, _reply, done) => {
    request.context = { requestId: String(request.id) };
    done();
  });
}

export default fp(requestContextPlugin, { name: "request-context" });
