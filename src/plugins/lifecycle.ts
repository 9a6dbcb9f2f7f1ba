import fp from "fastify-plugin";
import { problemText } from "../lib/messages/problems.ts";
import type { FastifyInstance } from "fastify";
import { ApiError } from "../lib/problem.ts";

/**
 * The instance's part in a graceful shutdown (src/server.ts runs it):
 * 1. draining: /health/ready answers 503 at once, so the load balancer stops sending new requests here, while
 *    everything else is still served for the drain delay (those answers say `Connection: close`, so that clients
 *    with a kept-alive connection open a new one, elsewhere);
 * 2. closing (`app.close()`): the server stops accepting connections, in-flight requests finish; a request that
 *    still arrives on an open keep-alive connection gets a problem 503 `shutting_down` with `Connection: close`
 *    (Fastify's own answer, `return503OnClosing`, is turned off: it is not a problem and has no request id).
 */

declare module "fastify" {
  interface FastifyInstance {
    lifecycle: { readonly draining: boolean; readonly closing: boolean; startDraining(): void };
  }
}

const RETRY_AFTER_SECONDS = "5";

async function lifecyclePlugin(app: FastifyInstance) {
  let draining = false;
  let closing = false;
  app.decorate("lifecycle", {
    get draining() {
      return draining;
    },
    get closing() {
      return closing;
    },
    startDraining() {
      draining = true;
    },
  });

  app.addHook("preClose", async () => {
    draining = true;
    closing = true;
  });

  // Every answer from the start of the drain on closes its connection, also one whose request arrived before: a
  // kept-alive connection still open when the server closes would hold the shutdown up until it times out.
  app.addHook("onSend", (request, reply, payload, done) => {
    if (draining && request.raw.httpVersionMajor === 1) reply.header("connection", "close");
    done(null, payload);
  });

  app.addHook("onRequest", (_request, _reply, done) => {
    if (closing) {
      throw new ApiError("shutting_down", problemText("shuttingDown"), {
        headers: { "retry-after": RETRY_AFTER_SECONDS, connection: "close" },
      });
    }
    done();
  });
}

export default fp(lifecyclePlugin, { name: "lifecycle" });

/** The readiness probe's answer while draining. */
export const drainingProblem = () =>
  new ApiError("shutting_down", problemText("draining"), {
    headers: { "retry-after": RETRY_AFTER_SECONDS },
  });
