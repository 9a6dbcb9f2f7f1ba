import { createHash } from "node:crypto";
import fp from "fastify-plugin";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../lib/problem.ts";
import { problemText } from "../lib/messages/problems.ts";

/**
 * Idempotency-Key on POST (Stripe's model). The first request with a key claims it (a row with no response yet);
 * its answer is stored for 24 h unless it was a 5xx. A retry with the same key and the same body gets that answer
 * again with `Idempotent-Replayed: true`; the same key with another body -> 422; a retry while the first is still
 * running -> 409. The claim happens after validation, so a rejected body never uses up a key.
 *
 * A handler that outlives the request timeout (503 request_timeout) keeps running and may still create the record.
 * So its key stays claimed (a retry meanwhile gets 409) until the handler ends: then its answer is stored after all,
 * and a retry replays it, as if the first answer had arrived; if it failed, the key is released for a new attempt.
 */

const TTL_MS = 24 * 60 * 60 * 1000;
const REPLAYED_HEADERS = ["content-type", "location", "etag"];

declare module "fastify" {
  interface FastifyRequest {
    idempotency?: {
      key: string;
      scope: string;
      hash: string;
      claimed: boolean;
      /** The answer is stored, replayed or released: nothing more to do. */
      finished: boolean;
      /** The route handler has started / has ended (resolved or thrown). */
      handlerStarted?: boolean;
      handlerDone?: boolean;
      /** A 5xx went out while the handler was still running (a handler timeout): the handler settles the key. */
      outlived?: boolean;
      /** An answer has started going out (our own flag: `reply.sent` turns true only once it is written). */
      responding?: boolean;
      /** The status the handler set with `reply.code()`. */
      handlerStatus?: number;
    };
  }
  interface FastifyContextConfig {
    /** false: Idempotency-Key is ignored on this route, because its answer must never be stored (it holds a secret). */
    idempotency?: boolean;
  }
}

/** Key order does not change a JSON body's meaning, so it must not change its fingerprint either. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Who the key belongs to: keys are scoped per API key (the auth plugin sets the actor on every /v1 request). */
const scopeOf = (request: FastifyRequest) => request.context.actor?.keyId ?? "public";

async function idempotencyPlugin(app: FastifyInstance) {
  let lastSweep = 0;

  app.addHook("preValidation", async (request) => {
    if (request.method !== "POST" || request.routeOptions.config.idempotency === false) return;
    const header = request.headers["idempotency-key"];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] ?? "" : header;
    if (key.length < 1 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
      throw new ApiError("validation_failed", problemText("idempotencyKeyInvalid"), {
        errors: [{ path: "/idempotency-key", message: "must be 1 to 255 visible ASCII characters", location: "header" }],
      });
    }
    // Fingerprint the body as sent (before validation transforms it) together with the method and path.
    const path = request.url.split("?")[0];
    const hash = createHash("sha256").update(`${request.method} ${path}\n${canonicalJson(request.body ?? null)}`).digest("hex");
    request.idempotency = { key, scope: scopeOf(request), hash, claimed: false, finished: false };
  });

  app.addHook("preHandler", async (request, reply) => {
    const idem = request.idempotency;
    if (!idem) return;
    const now = Date.now();
    if (now - lastSweep > 60_000) {
      lastSweep = now;
      await app.prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lt: new Date(now) } } });
    }
    const path = request.url.split("?")[0] ?? "/";
    const claimed = await app.prisma.idempotencyKey.createMany({
      data: [{ scope: idem.scope, key: idem.key, method: request.method, path, requestHash: idem.hash, expiresAt: new Date(now + TTL_MS) }],
      skipDuplicates: true,
    });
    if (claimed.count === 1) {
      idem.claimed = true;
      // The request timed out while the key was being claimed: its 503 is already on its way and the handler
      // will not run, so nothing else would ever settle the key.
      if (idem.responding) {
        idem.finished = true;
        await release(idem);
      }
      return;
    }
    const existing = await app.prisma.idempotencyKey.findUnique({ where: { scope_key: { scope: idem.scope, key: idem.key } } });
    if (!existing || existing.expiresAt.getTime() < now) {
      // Expired (or swept between our two statements): drop it and let the client retry as new.
      await app.prisma.idempotencyKey.deleteMany({ where: { scope: idem.scope, key: idem.key, expiresAt: { lt: new Date(now) } } });
      throw new ApiError("idempotency_key_in_use", problemText("idempotencyKeyExpired"), { headers: { "retry-after": "1" } });
    }
    if (existing.requestHash !== idem.hash) {
      throw new ApiError(
        "idempotency_key_reused",
        problemText("idempotencyKeyReused", { key: idem.key, method: existing.method, path: existing.path }),
      );
    }
    if (existing.responseStatus === null) {
      throw new ApiError("idempotency_key_in_use", problemText("idempotencyKeyInUse"), {
        headers: { "retry-after": "1" },
      });
    }
    idem.finished = true; // nothing of ours to store: this is a replay
    const headers = (existing.responseHeaders ?? {}) as Record<string, string>;
    return reply
      .code(existing.responseStatus)
      .headers(headers)
      .header("idempotent-replayed", "true")
      .serializer((payload) => payload as string)
      .send(existing.responseBody ?? "");
  });

  const whereKey = (idem: { scope: string; key: string }) => ({ scope_key: { scope: idem.scope, key: idem.key } });
  const release = (idem: { scope: string; key: string }) => app.prisma.idempotencyKey.delete({ where: whereKey(idem) }).catch(() => undefined);
  const store = (idem: { scope: string; key: string }, reply: FastifyReply, body: string, status = reply.statusCode, contentType?: string) => {
    const headers = Object.fromEntries(
      REPLAYED_HEADERS.flatMap((name) => {
        const value = name === "content-type" && contentType ? contentType : reply.getHeader(name);
        return value === undefined ? [] : [[name, String(value)]];
      }),
    );
    return app.prisma.idempotencyKey.update({ where: whereKey(idem), data: { responseStatus: status, responseBody: body, responseHeaders: headers } });
  };

  app.addHook("onSend", async (request, reply, payload) => {
    const idem = request.idempotency;
    if (idem) idem.responding = true;
    if (!idem?.claimed || idem.finished) return payload;
    idem.finished = true;
    if (reply.statusCode >= 500) {
      if (idem.handlerStarted && !idem.handlerDone) idem.outlived = true; // the handler settles the key when it ends
      else await release(idem);
      return payload;
    }
    await store(idem, reply, typeof payload === "string" ? payload : "");
    return payload;
  });

  // POST handlers run inside this wrapper, which knows when they end: after a timeout, that is when the key settles.
  app.addHook("onRoute", (route) => {
    if (![route.method].flat().includes("POST")) return;
    const handler = route.handler;
    route.handler = async function idempotentHandler(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const idem = request.idempotency;
      if (!idem?.claimed) return handler.call(this, request, reply);
      // Timed out before the handler even started: the client has its 503 and the key is released; do nothing.
      if (idem.responding) return reply;
      idem.handlerStarted = true;
      // What the handler answers after the 503 went out (status and body) is what a retry must get.
      let late: { payload: unknown } | undefined;
      const send = reply.send.bind(reply);
      const code = reply.code.bind(reply);
      reply.code = ((status: number) => {
        // A 5xx is never the handler's answer to store (the timeout's 503 is set through here too).
        if (status < 500) idem.handlerStatus = status;
        return code(status);
      }) as typeof reply.code;
      reply.send = ((payload?: unknown) => {
        if (!idem.responding) return send(payload);
        late = { payload };
        return reply;
      }) as typeof reply.send;
      try {
        const result = await handler.call(this, request, reply);
        idem.handlerDone = true;
        if (idem.outlived) {
          const payload = late ? late.payload : result;
          const status = idem.handlerStatus ?? 200;
          code(status); // the headers are long gone; this only picks the status's serializer
          const body = typeof payload === "string" ? payload : reply.serialize(payload);
          const text = typeof body === "string" ? body : Buffer.from(body as ArrayBuffer).toString("utf8");
          await store(idem, reply, text, status, "application/json; charset=utf-8").catch(async (error: Error) => {
            request.log.warn({ err: error.message }, "could not store the late answer of an idempotent request; releasing its key");
            await release(idem);
          });
        }
        return result;
      } catch (error) {
        idem.handlerDone = true;
        if (idem.outlived) await release(idem);
        throw error;
      }
    };
  });

  // A request that died before sending (client gone, crash in a hook) must not keep the key locked forever.
  app.addHook("onResponse", async (request) => {
    const idem = request.idempotency;
    if (idem?.claimed && !idem.finished) {
      await app.prisma.idempotencyKey.delete({ where: { scope_key: { scope: idem.scope, key: idem.key } } }).catch(() => undefined);
    }
  });
}

export default fp(idempotencyPlugin, { name: "idempotency", dependencies: ["database"] });
