import fp from "fastify-plugin";
import { problemText } from "../lib/messages/problems.ts";
import underPressure from "@fastify/under-pressure";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { LOAD_SHEDDING_DEFAULTS, type LoadSheddingOptions } from "../config.ts";
import { ApiError } from "../lib/problem.ts";
import { routeOf } from "./request-context.ts";

/**
 * Overload is shed early, with a 503 `overloaded` and Retry-After, instead of being queued for seconds (at 220 req/s
 * on a small machine requests waited 2.9 s at the median, and then failed). @fastify/under-pressure samples the
 * event loop and runs our check of the database pool; past any bound, every request is answered at once, before
 * authentication touches the database, until the load falls back. A bound of 0 turns its check off.
 * The liveness probe is never shed: an orchestrator would restart a process that is merely busy.
 */

const NEVER_SHED = new Set(["/health/live"]);

async function loadSheddingPlugin(app: FastifyInstance, options: LoadSheddingOptions) {
  const sampleInterval = options.sampleIntervalMs ?? LOAD_SHEDDING_DEFAULTS.sampleIntervalMs;
  const overloaded = (reason: string) =>
    new ApiError("overloaded", problemText("overloaded", { reason }), {
      headers: { "retry-after": String(options.retryAfterSeconds) },
    });
  // Building the app (compiling every route's schemas) and starting it keep the event loop busy before it serves
  // anything: the samples taken until then say nothing about load, so the first two after start-up are not acted on.
  let warmUntil = Number.POSITIVE_INFINITY;
  app.addHook("onReady", async () => {
    warmUntil = Date.now() + 2 * sampleInterval;
  });
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxEventLoopUtilization: options.maxEventLoopUtilization,
    sampleInterval,
    ...(options.maxPoolWaiters > 0
      ? { healthCheck: async () => app.db.poolWaiting() <= options.maxPoolWaiters, healthCheckInterval: sampleInterval }
      : {}),
    pressureHandler: (request: FastifyRequest, _reply: unknown, type: string, value: number | undefined) => {
      if (NEVER_SHED.has(routeOf(request).url ?? "") || Date.now() < warmUntil) return undefined; // served as usual
      const reason =
        type === "healthCheck"
          ? "too many requests are waiting for a database connection"
          : type === "eventLoopUtilization"
            ? `it is ${Math.round(Number(value) * 100)}% busy`
            : `it answers ${Math.round(Number(value))} ms late`;
      request.log.warn({ type, value }, "load shed");
      return Promise.reject(overloaded(reason));
    },
  });
}

export default fp(loadSheddingPlugin, { name: "load-shedding", dependencies: ["database"] });
