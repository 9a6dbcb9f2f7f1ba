import fp from "fastify-plugin";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError } from "../lib/problem.ts";
import { problemText, type DetailMessage } from "../lib/messages/problems.ts";
import { describeRouteSecurity, isProtectedPath, requiredRole, roleAllows } from "../lib/roles.ts";
import { API_KEY_CHANNEL, apiKeyCache, type ApiKeyCache, type ApiKeyCacheOptions } from "../modules/api-keys/api-key-cache.ts";
import { apiKeyPrefix, checkApiKey, touchApiKeyLastUsed, type ApiKeyVerification } from "../modules/api-keys/api-keys-service.ts";
import { routeOf } from "./request-context.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** This instance's cache of API key rows: `forget(prefix)` after changing a key. */
    apiKeyCache: ApiKeyCache;
  }
  interface FastifyRequest {
    /** What onRequest found of the request's key, for preParsing's verdict (null: not a protected route). */
    authOutcome: Outcome | null;
  }
}

/**
 * API keys on every /v1 route: `Authorization: Bearer crk_<prefix>_<secret>`.
 *
 * onRequest resolves the key (its row from a cache kept at most a second and invalidated across instances by
 * LISTEN/NOTIFY, src/modules/api-keys/api-key-cache.ts; expiry against the clock on every request) and sets
 * `request.context.actor`, but never answers: the rate limiter's onRequest hook, registered after this one, keys its
 * limits on the actor (or the client address when there is none) and must see every request. The verdict is given
 * in preParsing, which runs after all onRequest hooks and before any body is read: 401 without a valid key, 403
 * when the key's role is below the route's.
 */

type Failure = "missing" | "malformed" | "unknown" | "expired" | "revoked";
type Outcome = { ok: true } | { ok: false; failure: Failure; sent: boolean } | { ok: false; error: unknown };

const REALM = 'Bearer realm="cluster-records"';
const BEARER = /^Bearer +(\S+) *$/i;
/** lastUsedAt is bookkeeping: written at most once a minute per key. */
const TOUCH_INTERVAL_MS = 60_000;

const DETAILS: Record<Failure, DetailMessage> = {
  missing: problemText("authMissing"),
  malformed: problemText("authMalformed"),
  unknown: problemText("authUnknown"),
  expired: problemText("authExpired"),
  revoked: problemText("authRevoked"),
};

function unauthorized(failure: Failure, sent: boolean): ApiError {
  return new ApiError("unauthorized", DETAILS[failure], {
    headers: { "www-authenticate": sent ? `${REALM}, error="invalid_token"` : REALM },
    extensions: { reason: failure },
  });
}

/** The path as routed: the route's pattern when one matched (so percent-encoding cannot dodge the check), else the URL. */
function routedPath(request: FastifyRequest): string {
  const { url } = routeOf(request);
  if (url !== undefined && !request.is404) return url;
  const raw = request.url.split("?")[0] ?? "/";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

async function authPlugin(app: FastifyInstance, options: ApiKeyCacheOptions) {
  const lastTouched = new Map<string, number>();
  const pendingTouches = new Set<Promise<void>>();
  app.decorateRequest("authOutcome", null);

  // Every /v1 operation documents its security, role and 401/403 answers (the routes are registered after this).
  app.addHook("onRoute", describeRouteSecurity);

  const cache = apiKeyCache(app.prisma, options);
  app.decorate("apiKeyCache", cache);
  let unlisten: (() => Promise<void>) | undefined;
  app.addHook("onReady", async () => {
    unlisten = await app.db.listen(API_KEY_CHANNEL, { onNotify: (prefix) => cache.forget(prefix), onState: (up) => cache.setListening(up) });
  });
  app.addHook("onClose", async () => {
    await unlisten?.();
  });

  const touch = (keyId: string, storedLastUsedAt: Date | null) => {
    const now = Date.now();
    const last = Math.max(lastTouched.get(keyId) ?? 0, storedLastUsedAt?.getTime() ?? 0);
    if (now - last < TOUCH_INTERVAL_MS) return;
    lastTouched.set(keyId, now);
    // Not awaited: the request never waits for this write, and a failure only costs an out-of-date lastUsedAt.
    const pending: Promise<void> = touchApiKeyLastUsed(app.prisma, keyId, new Date(now))
      .catch((error: unknown) => app.log.warn({ err: error, keyId }, "could not record when the API key was last used"))
      .finally(() => pendingTouches.delete(pending));
    pendingTouches.add(pending);
  };

  function outcomeOf(request: FastifyRequest, verification: ApiKeyVerification): Outcome {
    if (!verification.ok) return { ok: false, failure: verification.reason, sent: true };
    const { key } = verification;
    request.context.actor = { keyId: key.id, keyName: key.name, role: key.role };
    touch(key.id, key.lastUsedAt);
    return { ok: true };
  }

  // Not an async hook: a key whose row the cache holds (nearly every request) is decided without waiting, and only a
  // row read from the database makes the request wait for it (a promise per request, measured in a profile of GET).
  app.addHook("onRequest", (request, _reply, done) => {
    // CORS preflights carry no credentials by design; a calendar feed's link is its own credential (config.ownToken).
    if (request.method === "OPTIONS" || !isProtectedPath(routedPath(request))) return done();
    if (!request.is404 && routeOf(request).config.ownToken) return done();
    const header = request.headers.authorization;
    if (header === undefined || header.trim() === "") {
      request.authOutcome = { ok: false, failure: "missing", sent: false };
      return done();
    }
    const token = BEARER.exec(header)?.[1];
    const prefix = token ? apiKeyPrefix(token) : undefined;
    if (!token || prefix === undefined) {
      request.authOutcome = { ok: false, failure: "malformed", sent: true };
      return done();
    }
    const held = cache.held(prefix);
    if (held) {
      request.authOutcome = outcomeOf(request, checkApiKey(token, held, new Date(), cache.matches));
      return done();
    }
    cache
      .find(prefix)
      .then((row) => outcomeOf(request, checkApiKey(token, row, new Date(), cache.matches)))
      .catch((error: unknown): Outcome => ({ ok: false, error })) // the database did not answer: a 503 in preParsing
      .then((outcome) => {
        request.authOutcome = outcome;
        done();
      });
  });

  app.addHook("preParsing", (request, _reply, payload, done) => {
    const outcome = request.authOutcome;
    if (!outcome) return done(null, payload);
    if (!outcome.ok) {
      if ("error" in outcome) throw outcome.error; // the database did not answer: the errors plugin makes it a 503
      throw unauthorized(outcome.failure, outcome.sent);
    }
    // A path that matches no route (404/405) needs a valid key, but no particular role.
    if (request.is404) return done(null, payload);
    const actor = request.context.actor!;
    const required = requiredRole(request.method, routeOf(request).config.minRole);
    if (!roleAllows(actor.role, required)) {
      throw new ApiError("forbidden", problemText("forbidden", { method: request.method, url: String(routeOf(request).url), required, role: actor.role }), {
        extensions: { requiredRole: required, role: actor.role },
      });
    }
    done(null, payload);
  });

  app.addHook("preClose", async () => {
    await Promise.all([...pendingTouches]);
  });
}

export default fp(authPlugin, { name: "auth" });
