import { isIPv6 } from "node:net";
import fp from "fastify-plugin";
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import { Redis } from "ioredis";
import type { RateLimitConfig } from "../config.ts";
import { ApiError } from "../lib/problem.ts";
import { problemText } from "../lib/messages/problems.ts";
import { problemResponse } from "../lib/schemas.ts";
import { routeOf } from "./request-context.ts";

/**
 * Rate limits on /v1 (health, docs, metrics and the problem catalogue are not limited): a fixed window per API key
 * once the auth plugin has named the key (`request.context.actor`), per client address otherwise (no key, or a key
 * that is not valid: so guessing keys is limited too). Every limited response carries `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` (seconds); past the limit the answer is a 429 problem with
 * `Retry-After`.
 *
 * Counters live in this process's memory, or in Redis (REDIS_URL) so that every instance shares them. Redis must
 * answer at start-up; if it fails later, requests are let through unlimited (fail open) and a warning is logged:
 * a broken counter store must not take the API down with it.
 *
 * Why not @fastify/rate-limit: configured to do the same (a key's limit or the address's, Redis with skipOnError), a
 * GET by id cost about 3 % more server CPU (A/B over HTTP in both orders: 1.03 and 1.03; bench/RESULTS.md), as its
 * hook awaits the key generator, the limit and the store (promises on every request, in memory too). Its memory store
 * is also an LRU of 5,000 keys: with more clients than that in a window, the least recent lose their counts and start
 * again. The store here keeps every client of the current window.
 */

export type RateLimitOptions = RateLimitConfig & {
  /** Prefix of the Redis keys (tests use one per run). */
  redisKeyPrefix?: string;
};

type Hit = { count: number; resetInMs: number };

interface CounterStore {
  /** Counts one request for `key` in the current window (which starts with the key's first request); in memory, at once. */
  hit(key: string, windowMs: number): Hit | Promise<Hit>;
  close(): Promise<void>;
}

class MemoryStore implements CounterStore {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  #lastSweep = Date.now();

  hit(key: string, windowMs: number): Hit {
    const now = Date.now();
    if (now - this.#lastSweep >= windowMs) {
      // At most one window's worth of clients is kept.
      this.#lastSweep = now;
      for (const [k, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(k);
    }
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetInMs: window.resetAt - now };
  }

  async close() {
    this.#windows.clear();
  }
}

// One round trip, atomic: count, and start the window's expiry on its first request (or if a key somehow has none).
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type RedisWithHit = Redis & { rateLimitHit(key: string, windowMs: number): Promise<[number, number]> };

/** `redis://user:secret@host:6379/0` -> `redis://host:6379/0`, for messages. */
export const redactedRedisUrl = (url: string) => {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
  } catch {
    return "the configured Redis";
  }
};

class RedisStore implements CounterStore {
  private constructor(
    private readonly redis: RedisWithHit,
    private readonly prefix: string,
  ) {}

  /** Connects, or throws one line saying why not. */
  static async connect(url: string, prefix: string, log: FastifyBaseLogger, onError: (error: Error) => void): Promise<RedisStore> {
    const redis = new Redis(url, {
      lazyConnect: true,
      // Fail fast instead of queueing while disconnected: a request must not wait for Redis to come back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      // A Redis that hangs costs each request at most this much.
      commandTimeout: 500,
      // Keep reconnecting in the background (every 2 s at most) after a failure.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    }) as RedisWithHit;
    let lastError: Error | undefined;
    const remember = (error: Error) => (lastError = error);
    redis.on("error", remember);
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      const reason = lastError?.message ?? (error as Error).message;
      throw new Error(`cannot connect to Redis at ${redactedRedisUrl(url)} (REDIS_URL): ${reason.split("\n")[0]}`);
    }
    // From now on a failure is logged (and requests go through), never thrown.
    redis.off("error", remember).on("error", onError);
    redis.defineCommand("rateLimitHit", { numberOfKeys: 1, lua: HIT_SCRIPT });
    log.debug({ redis: redactedRedisUrl(url) }, "rate limit counters in Redis");
    return new RedisStore(redis, prefix);
  }

  async hit(key: string, windowMs: number): Promise<Hit> {
    const [count, ttl] = await this.redis.rateLimitHit(this.prefix + key, windowMs);
    return { count: Number(count), resetInMs: Number(ttl) };
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * The client's address as a counter key. IPv6 clients usually hold a whole /64, so that is what is counted;
 * IPv4-mapped IPv6 addresses count as the IPv4 address.
 */
export function clientAddressKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const [head = "", tail = ""] = ip.toLowerCase().split("%")[0]!.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = ip.includes("::") ? (tail === "" ? [] : tail.split(":")) : [];
  // An embedded IPv4 tail (a.b.c.d) only ever falls in the last 64 bits, which are dropped anyway.
  const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups = [...headGroups, ...Array<string>(missing).fill("0"), ...tailGroups];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** Only the versioned API is limited. The route pattern, not the raw URL, so that `/%761/...` cannot slip past. */
const isLimited = (request: FastifyRequest) => {
  const path = routeOf(request).url ?? request.url.split("?")[0] ?? "";
  return path === "/v1" || path.startsWith("/v1/");
};

/** Logs a store failure at most every 30 s, and once when it works again. */
function failureLog(log: FastifyBaseLogger) {
  let failing = false;
  let lastWarning = 0;
  return {
    failed(error: Error) {
      const now = Date.now();
      if (!failing || now - lastWarning >= 30_000) {
        log.warn({ reason: error.message }, "rate limit counters unavailable: requests are not limited until Redis answers again");
        lastWarning = now;
      }
      failing = true;
    },
    succeeded() {
      if (failing) log.info("rate limit counters available again: limits apply");
      failing = false;
    },
  };
}

/**
 * For an onRoute hook: declares the 429 on every documented /v1 operation (whatever the configuration, so that the
 * OpenAPI document does not depend on it). Replaces `schema` with a copy: a GET and its HEAD share the object.
 */
function describeRateLimit(route: RouteOptions): void {
  const schema = route.schema as (Record<string, unknown> & { hide?: boolean; response?: Record<string, unknown> }) | undefined;
  const url = route.url ?? "";
  if (!schema || schema.hide || !(url === "/v1" || url.startsWith("/v1/"))) return;
  route.schema = {
    ...schema,
    response: {
      ...schema.response,
      429: problemResponse("Too many requests for this API key (or, without a valid key, from this address): wait `Retry-After` seconds."),
    },
  };
}

async function rateLimitPlugin(app: FastifyInstance, options: RateLimitOptions) {
  app.addHook("onRoute", describeRateLimit);
  if (!options.enabled) return;
  const windowMs = options.windowSeconds * 1000;
  const failures = failureLog(app.log);
  const store: CounterStore = options.redisUrl
    ? await RedisStore.connect(options.redisUrl, options.redisKeyPrefix ?? "cluster-records:rate-limit:", app.log, (error) => failures.failed(error))
    : new MemoryStore();
  app.addHook("onClose", () => store.close());

  const limited = (reply: FastifyReply, hit: Hit, perKey: boolean, limit: number): ApiError | undefined => {
    const resetSeconds = Math.max(1, Math.ceil(hit.resetInMs / 1000));
    reply.header("ratelimit-limit", String(limit));
    reply.header("ratelimit-remaining", String(Math.max(0, limit - hit.count)));
    reply.header("ratelimit-reset", String(resetSeconds));
    if (hit.count <= limit) return undefined;
    return new ApiError("rate_limited", problemText("rateLimited", { perKey, limit, windowSeconds: options.windowSeconds, resetSeconds }), {
      headers: { "retry-after": String(resetSeconds) },
    });
  };

  // Not an async hook: the memory store counts at once, so only Redis makes a request wait (a promise per request).
  app.addHook("onRequest", (request, reply, done) => {
    if (!isLimited(request)) return done();
    const actor = request.context?.actor;
    const key = actor ? `key:${actor.keyId}` : `address:${clientAddressKey(request.ip)}`;
    const limit = actor ? options.max : options.anonymousMax;
    let hit: Hit | Promise<Hit>;
    try {
      hit = store.hit(key, windowMs);
    } catch (error) {
      failures.failed(error as Error); // fail open
      return done();
    }
    if (!(hit instanceof Promise)) {
      failures.succeeded();
      return done(limited(reply, hit, Boolean(actor), limit));
    }
    hit.then(
      (counted) => {
        failures.succeeded();
        done(limited(reply, counted, Boolean(actor), limit));
      },
      (error: Error) => {
        failures.failed(error); // fail open
        done();
      },
    );
  });
}

export default fp(rateLimitPlugin, { name: "rate-limit", dependencies: ["request-context", "errors"] });
