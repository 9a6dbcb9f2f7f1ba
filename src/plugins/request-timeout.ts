import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import { problemText } from "../lib/messages/problems.ts";
import { ApiError } from "../lib/problem.ts";

/**
 * REQUEST_TIMEOUT_MS from the request's arrival to its answer: a request not answered by then gets a 503
 * `request_timeout` (with Retry-After), or a 408 `request_incomplete` that closes the connection when its body has not
 * even arrived (nothing was handled). The handler is not stopped (a database transaction cannot be cancelled from
 * outside), so a write may still complete after this answer; the idempotency plugin keeps what it answers for retries.
 *
 * Why not Fastify's `handlerTimeout` (5.12): its timer is cleared by the request's 'close' event, which Node emits as
 * soon as a request body has been read, so a POST or PATCH whose handler then hangs was never answered by it (found
 * over a real connection; test/plugins/hardening.test.ts). It also made an AbortController for every request and a
 * DOMException for every request with a body, 5 % of a POST's CPU in a profile (bench/RESULTS.md). This is one timer.
 */
declare module "fastify" {
  interface FastifyRequest {
    answerTimer: NodeJS.Timeout | null;
  }
}

async function requestTimeoutPlugin(app: FastifyInstance, { timeoutMs }: { timeoutMs: number }) {
  app.decorateRequest("answerTimer", null);

  app.addHook("onRequest", (request, reply, done) => {
    const timer = setTimeout(() => {
      if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) return;
      const error =
        request.raw.complete === false
          ? new ApiError("request_incomplete", problemText("bodyIncomplete"), { headers: { connection: "close" } })
          : new ApiError("request_timeout", problemText("handlerTimeout"), { headers: { "retry-after": "5" } });
      reply.send(error);
    }, timeoutMs);
    timer.unref();
    request.answerTimer = timer;
    done();
  });

  // An answer is on its way (the handler's, or this timeout's): from here on the timer must not send another. The
  // reply counts as sent only once written, after every onSend hook (the idempotency plugin's stores the answer in
  // the database): a timeout firing in between sent its 503 over the handler's answer, and the client got the
  // 503's status and headers with the handler's body (test/plugins/request-timeout.test.ts).
  app.addHook("onSend", (request, _reply, payload, done) => {
    if (request.answerTimer) {
      clearTimeout(request.answerTimer);
      request.answerTimer = null;
    }
    done(null, payload);
  });

  app.addHook("onResponse", (request, _reply, done) => {
    if (request.answerTimer) clearTimeout(request.answerTimer);
    done();
  });
}

export default fp(requestTimeoutPlugin, { name: "request-timeout" });
