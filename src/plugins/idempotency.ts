import fp from "fastify-plugin";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../lib/problem.ts";
import { problemText, type DetailMessage } from "../lib/messages/problems.ts";
import { canonicalJson, idempotencyClaims, requestFingerprint, type Claim, type StoredAnswer } from "../lib/idempotency-claims.ts";
import type { Tx } from "../lib/records.ts";
import { routeOf } from "./request-context.ts";

/**
 * Idempotency-Key on POST (Stripe's model). The first request with a key claims it (a row with no response yet);
 * its answer is stored for 24 h unless it was a 5xx. A retry with the same key and the same body gets that answer
 * again with `Idempotent-Replayed: true`; the same key with another body -> 422; a retry while the first is still
 * running -> 409. The claim happens after validation, so a rejected body never uses up a key.
 *
 * A claim survives no crash (src/lib/idempotency-claims.ts): it is a lease the live request renews, taken over by a
 * retry once it lapses, and the handler's write transaction commits it together with the write. So after a crash a
 * retry runs once (the write never committed) or replays the committed answer (rebuilt from the record if it was lost
 * with the process); never twice, and never stuck.
 *
 * A handler that outlives the request timeout (503 request_timeout) keeps running and may still create the record.
 * So its key stays claimed (a retry meanwhile gets 409) until the handler ends: then its answer is stored after all,
 * and a retry replays it, as if the first answer had arrived; if it failed, the key is released for a new attempt.
 */

const DEFAULT_LEASE_MS = 10_000;
const REPLAYED_HEADERS = ["content-type", "location", "etag"];

declare module "fastify" {
  interface FastifyRequest {
    idempotency?: {
      key: string;
      scope: string;
      hash: string;
      claimed: boolean;
      /** This request's claim on the key, once it holds one. */
      claim?: Claim;
      /** Renews the claim's lease while the request runs. */
      renewal?: NodeJS.Timeout;
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

/** Who the key belongs to: keys are scoped per API key (the auth plugin sets the actor on every /v1 request). */
const scopeOf = (request: FastifyRequest) => request.context.actor?.keyId ?? "public";

async function idempotencyPlugin(app: FastifyInstance, options: { leaseMs?: number }) {
  const claims = idempotencyClaims(app.prisma, options.leaseMs ?? DEFAULT_LEASE_MS);
  let lastSweep = 0;

  // These four hooks are the POST routes' own (onRoute, below): no other request runs them.
  const fingerprint = async (request: FastifyRequest) => {
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
    // A file (an import) is hashed as its bytes.
    const hash = requestFingerprint(request.method, path ?? "", Buffer.isBuffer(request.body) ? request.body : canonicalJson(request.body ?? null));
    request.idempotency = { key, scope: scopeOf(request), hash, claimed: false, finished: false };
  };

  type Idem = NonNullable<FastifyRequest["idempotency"]>;

  /** This request now holds the key: renew its lease while it runs, and commit the claim with its write. */
  const hold = async (request: FastifyRequest, idem: Idem, claim: Claim) => {
    idem.claimed = true;
    idem.claim = claim;
    // The request timed out while the key was being claimed: its 503 is already on its way and the handler
    // will not run, so nothing else would ever settle the key.
    if (idem.responding) {
      idem.finished = true;
      await claims.release(claim);
      return;
    }
    idem.renewal = setInterval(() => void claims.renew(claim).catch(() => undefined), Math.max(100, claims.leaseMs / 3));
    idem.renewal.unref();
    request.context.transactionHooks = {
      async begin(tx) {
        if (!(await claims.fence(tx as Tx, claim))) {
          throw new ApiError("idempotency_key_in_use", problemText("idempotencyKeyLost"), {
            headers: { "retry-after": "1" },
          });
        }
      },
      async end(tx, result) {
        const id = (result as { id?: unknown } | null | undefined)?.id;
        if (typeof id === "string") await claims.noteResult(tx as Tx, claim, id);
      },
    };
  };

  const settle = (idem: Idem) => {
    idem.finished = true;
    clearInterval(idem.renewal);
  };

  const inUse = (seconds: number, detail: DetailMessage) => new ApiError("idempotency_key_in_use", detail, { headers: { "retry-after": String(seconds) } });

  const replay = (idem: Idem, reply: FastifyReply, answer: StoredAnswer) => {
    idem.finished = true; // nothing of ours to store: this is a replay
    return reply
      .code(answer.status)
      .headers(answer.headers)
      .header("idempotent-replayed", "true")
      .serializer((payload) => payload as string)
      .send(answer.body);
  };

  const claimOrReplay = async (request: FastifyRequest, reply: FastifyReply) => {
    const idem = request.idempotency;
    if (!idem) return;
    const now = Date.now();
    if (now - lastSweep > 60_000) {
      lastSweep = now;
      await claims.sweep();
    }
    const path = request.url.split("?")[0] ?? "/";
    const claim = await claims.claim({ scope: idem.scope, key: idem.key, method: request.method, path, requestHash: idem.hash });
    if (claim) return hold(request, idem, claim);
    const existing = await claims.find(idem.scope, idem.key);
    if (!existing || existing.expiresAt.getTime() < now) {
      // Expired (or swept between our two statements): drop it and let the client retry as new.
      await claims.dropExpired(idem.scope, idem.key);
      throw inUse(1, problemText("idempotencyKeyExpired"));
    }
    if (existing.requestHash !== idem.hash) {
      throw new ApiError(
        "idempotency_key_reused",
        problemText("idempotencyKeyReused", { key: idem.key, method: existing.method, path: existing.path }),
      );
    }
    if (existing.responseStatus !== null) {
      return replay(idem, reply, { status: existing.responseStatus, body: existing.responseBody ?? "", headers: (existing.responseHeaders ?? {}) as Record<string, string> });
    }
    const leaseLeft = existing.leaseUntil ? existing.leaseUntil.getTime() - now : 0;
    if (leaseLeft > 0) {
      // Usually it ends within a second; if its process died, the lease lapses within IDEMPOTENCY_LEASE_MS.
      throw inUse(1, problemText("idempotencyKeyInUse"));
    }
    if (existing.committedAt === null) {
      // Its process died before its write committed: nothing happened, so this retry runs in its place.
      const takenOver = await claims.takeOver(existing);
      if (takenOver) return hold(request, idem, takenOver);
      throw inUse(1, problemText("idempotencyKeyTakenOver"));
    }
    // Its write committed, but its process died before storing the answer: rebuild it from the record it wrote.
    const rebuilt = await rebuildAnswer(request, existing.path, existing.resultId);
    await claims.storeRebuilt(existing, rebuilt);
    return replay(idem, reply, rebuilt);
  };

  /**
   * The answer of a committed write whose own answer was lost: the record as it is now, with the status the POST
   * gives (201 and Location when it created the record, as every collection's POST does; 200 for an action on a
   * record, such as a grant application's transition, which answers with that record).
   */
  async function rebuildAnswer(request: FastifyRequest, path: string, resultId: string | null): Promise<StoredAnswer> {
    const routeUrl = routeOf(request).url ?? "";
    const created = app.hasRoute({ method: "GET", url: `${routeUrl}/:id` });
    const recordPath = created ? `${path}/${resultId}` : path.replace(/\/[^/]+$/, "");
    const authorization = request.headers.authorization;
    const read = resultId ? await app.inject({ method: "GET", url: recordPath, headers: authorization ? { authorization } : {} }) : undefined;
    if (!read || read.statusCode !== 200) {
      return {
        status: 404,
        body: JSON.stringify({ type: "/problems/not_found", title: "Not found", status: 404, code: "not_found", detail: "The request with this idempotency key was carried out, but the record it wrote no longer exists." }),
        headers: { "content-type": "application/problem+json; charset=utf-8" },
      };
    }
    const headers: Record<string, string> = { "content-type": String(read.headers["content-type"] ?? "application/json; charset=utf-8") };
    if (read.headers.etag) headers.etag = String(read.headers.etag);
    if (created) headers.location = recordPath;
    return { status: created ? 201 : 200, body: read.body, headers };
  }

  const release = (idem: Idem) => (idem.claim ? claims.release(idem.claim) : Promise.resolve());
  const store = (request: FastifyRequest, idem: Idem, reply: FastifyReply, body: string, status = reply.statusCode, contentType?: string) => {
    const headers = Object.fromEntries(
      REPLAYED_HEADERS.flatMap((name) => {
        const value = name === "content-type" && contentType ? contentType : reply.getHeader(name);
        return value === undefined ? [] : [[name, String(value)]];
      }),
    );
    // The answer goes out even if it cannot be stored (the database just failed): a retry then rebuilds it.
    return claims.store(idem.claim!, { status, body, headers }).catch((error: Error) => {
      request.log.warn({ err: error.message }, "could not store the answer of an idempotent request");
    });
  };

  const storeAnswer = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const idem = request.idempotency;
    if (idem) idem.responding = true;
    if (!idem?.claimed || idem.finished) return payload;
    if (reply.statusCode >= 500) {
      if (idem.handlerStarted && !idem.handlerDone) {
        // The handler settles the key when it ends; its lease is renewed until then.
        idem.outlived = true;
        idem.finished = true;
        return payload;
      }
      settle(idem);
      await release(idem);
      return payload;
    }
    settle(idem);
    await store(request, idem, reply, typeof payload === "string" ? payload : "");
    return payload;
  };

  // A request that died before sending (client gone, crash in a hook) must not keep the key locked forever.
  const releaseUnsettled = async (request: FastifyRequest) => {
    const idem = request.idempotency;
    if (idem?.claimed && !idem.finished) {
      settle(idem);
      await release(idem);
    }
  };

  // POST handlers run inside this wrapper, which knows when they end: after a timeout, that is when the key settles.
  app.addHook("onRoute", (route) => {
    if (![route.method].flat().includes("POST")) return;
    if (route.config?.idempotency !== false) {
      route.preValidation = [route.preValidation ?? []].flat().concat(fingerprint);
      route.preHandler = [route.preHandler ?? []].flat().concat(claimOrReplay);
      route.onSend = [route.onSend ?? []].flat().concat(storeAnswer);
      route.onResponse = [route.onResponse ?? []].flat().concat(releaseUnsettled);
    }
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
          settle(idem);
          const payload = late ? late.payload : result;
          const status = idem.handlerStatus ?? 200;
          code(status); // the headers are long gone; this only picks the status's serializer
          const body = typeof payload === "string" ? payload : reply.serialize(payload);
          const text = typeof body === "string" ? body : Buffer.from(body as ArrayBuffer).toString("utf8");
          await store(request, idem, reply, text, status, "application/json; charset=utf-8");
        }
        return result;
      } catch (error) {
        idem.handlerDone = true;
        if (idem.outlived) {
          settle(idem);
          await release(idem);
        }
        throw error;
      }
    };
  });
}

export default fp(idempotencyPlugin, { name: "idempotency", dependencies: ["database"] });
