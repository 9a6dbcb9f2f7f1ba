import { createHash } from "node:crypto";
import fp from "fastify-plugin";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError } from "../lib/problem.ts";

/**
 * Idempotency-Key on POST (Stripe's model). The first request with a key claims it (a row with no response yet);
 * its answer is stored for 24 h unless it was a 5xx. A retry with the same key and the same body gets that answer
 * again with `Idempotent-Replayed: true`; the same key with another body -> 422; a retry while the first is still
 * running -> 409. The claim happens after validation, so a rejected body never uses up a key.
 */

const TTL_MS = 24 * 60 * 60 * 1000;
const REPLAYED_HEADERS = ["content-type", "location", "etag"];

declare module "fastify" {
  interface FastifyRequest {
    idempotency?: { key: string; scope: string; hash: string; claimed: boolean; finished: boolean };
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
      throw new ApiError("validation_failed", "Idempotency-Key must be 1 to 255 visible ASCII characters.", {
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
      return;
    }
    const existing = await app.prisma.idempotencyKey.findUnique({ where: { scope_key: { scope: idem.scope, key: idem.key } } });
    if (!existing || existing.expiresAt.getTime() < now) {
      // Expired (or swept between our two statements): drop it and let the client retry as new.
      await app.prisma.idempotencyKey.deleteMany({ where: { scope: idem.scope, key: idem.key, expiresAt: { lt: new Date(now) } } });
      throw new ApiError("idempotency_key_in_use", "This idempotency key has just expired; retry the request.", { headers: { "retry-after": "1" } });
    }
    if (existing.requestHash !== idem.hash) {
      throw new ApiError(
        "idempotency_key_reused",
        `Idempotency-Key "${idem.key}" was first used for a different request (${existing.method} ${existing.path} with another body). Use a new key for a new request.`,
      );
    }
    if (existing.responseStatus === null) {
      throw new ApiError("idempotency_key_in_use", "The first request with this idempotency key is still being handled; retry in a moment.", {
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

  app.addHook("onSend", async (request, reply, payload) => {
    const idem = request.idempotency;
    if (!idem?.claimed || idem.finished) return payload;
    idem.finished = true;
    const where = { scope_key: { scope: idem.scope, key: idem.key } };
    if (reply.statusCode >= 500) {
      await app.prisma.idempotencyKey.delete({ where }).catch(() => undefined);
      return payload;
    }
    const headers = Object.fromEntries(
      REPLAYED_HEADERS.flatMap((name) => {
        const value = reply.getHeader(name);
        return value === undefined ? [] : [[name, String(value)]];
      }),
    );
    await app.prisma.idempotencyKey.update({
      where,
      data: { responseStatus: reply.statusCode, responseBody: typeof payload === "string" ? payload : "", responseHeaders: headers },
    });
    return payload;
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
