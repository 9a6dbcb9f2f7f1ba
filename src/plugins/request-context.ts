import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import type { RequestContext } from "../lib/request-context.ts";

declare module "fastify" {
  interface FastifyRequest {
    context: RequestContext;
  }
}

/**
 * Opens the per-request context (request id now; the auth plugin adds the actor, the idempotency plugin its
 * transaction hooks), which the routes pass to the services that write.
 */
async function requestContextPlugin(app: FastifyInstance) {
  app.decorateRequest("context", null as unknown as RequestContext);
  app.addHook("onRequest", (request, _reply, done) => {
    request.context = { requestId: String(request.id) };
    done();
  });
}

export default fp(requestContextPlugin, { name: "request-context" });
