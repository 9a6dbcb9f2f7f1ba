// Rate limits on /v1: per API key (the real auth plugin names it), per client address without a valid key; 429
// problem with Retry-After and RateLimit-* headers; counters in memory or shared through Redis; a Redis that goes
// away lets requests through (fail open) instead of failing them.
import { randomUUID } from "node:crypto";
import net from "node:net";
import { Writable } from "node:stream";
import t from "tap";
import type { Test } from "tap";
import type { LightMyRequestResponse } from "fastify";
import { Redis } from "ioredis";
import { buildApp } from "../../src/app.ts";
import type { RateLimitOptions } from "../../src/plugins/rate-limit.ts";
import { clientAddressKey } from "../../src/plugins/rate-limit.ts";
import { TEST_CONFIG, createTestKey, testDatabase } from "../helper.ts";
import type { Database } from "../../src/db/database.ts";

t.setTimeout(120_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An app over `database` with these rate limits (and a log sink, when given). */
async function limitedApp(t: Test, database: Database, rateLimit: RateLimitOptions, log?: string[]) {
  const app = await buildApp({
    database,
    config: { ...TEST_CONFIG, rateLimit },
    ...(log ? { logger: { level: "info", stream: new Writable({ write: (chunk, _encoding, done) => (log.push(String(chunk)), done()) }) } } : {}),
  });
  t.teardown(() => app.close());
  await app.ready();
  return app;
}

const headerNumber = (response: LightMyRequestResponse, name: string) => {
  const value = response.headers[name];
  return value === undefined ? undefined : Number(value);
};

/** Asserts the 429 problem and its headers; returns Retry-After. */
function assertRateLimited(t: Test, response: LightMyRequestResponse, limit: number, windowSeconds: number): number {
  t.equal(response.statusCode, 429, `429 (${response.body.slice(0, 200)})`);
  t.equal(response.headers["content-type"], "application/problem+json; charset=utf-8");
  const body = response.json();
  t.equal(body.type, "/problems/rate_limited");
  t.equal(body.title, "Too many requests");
  t.equal(body.status, 429);
  t.equal(body.code, "rate_limited");
  t.equal(body.requestId, response.headers["x-request-id"]);
  t.match(body.detail, new RegExp(`limit is ${limit} per ${windowSeconds} s`));
  const retryAfter = headerNumber(response, "retry-after")!;
  t.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= windowSeconds, `Retry-After ${retryAfter} is 1..${windowSeconds}`);
  t.equal(headerNumber(response, "ratelimit-limit"), limit, "RateLimit-Limit");
  t.equal(headerNumber(response, "ratelimit-remaining"), 0, "RateLimit-Remaining is 0");
  t.equal(headerNumber(response, "ratelimit-reset"), retryAfter, "RateLimit-Reset equals Retry-After");
  return retryAfter;
}

function assertCounted(t: Test, response: LightMyRequestResponse, status: number, limit: number, remaining: number, what: string) {
  t.equal(response.statusCode, status, `${what}: ${status} (${response.body.slice(0, 200)})`);
  t.equal(headerNumber(response, "ratelimit-limit"), limit, `${what}: RateLimit-Limit`);
  t.equal(headerNumber(response, "ratelimit-remaining"), remaining, `${what}: RateLimit-Remaining ${remaining}`);
  const reset = headerNumber(response, "ratelimit-reset")!;
  t.ok(reset >= 1 && reset <= 60, `${what}: RateLimit-Reset ${reset} within the window`);
  t.equal(response.headers["retry-after"], undefined, `${what}: no Retry-After below the limit`);
}

t.test("client addresses: IPv4 as is, IPv6 by /64, IPv4-mapped IPv6 as IPv4", async (t) => {
  t.equal(clientAddressKey("203.0.113.7"), "203.0.113.7");
  t.equal(clientAddressKey("::ffff:203.0.113.7"), "203.0.113.7");
  t.equal(clientAddressKey("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  t.equal(clientAddressKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
  t.equal(clientAddressKey("2001:db8::1"), "2001:db8:0:0::/64");
  t.equal(clientAddressKey("::1"), "0:0:0:0::/64");
  t.not(clientAddressKey("2001:db8:1:3::1"), clientAddressKey("2001:db8:1:2::1"));
});

t.test("in memory", async (t) => {
  const database = await testDatabase(t);

  t.test("one key hammered past its limit gets 429 while another key is still served", async (t) => {
    const app = await limitedApp(t, database, { enabled: true, max: 5, anonymousMax: 2, windowSeconds: 60 });
    const hammer = await createTestKey(database, "editor", { name: "hammer" });
    const other = await createTestKey(database, "reader", { name: "other" });

    for (let i = 1; i <= 5; i++) {
      const response = await app.inject({ method: "GET", url: "/v1/clusters", headers: hammer.headers });
      assertCounted(t, response, 200, 5, 5 - i, `request ${i}`);
    }
    const limited = await app.inject({ method: "GET", url: "/v1/clusters", headers: hammer.headers });
    assertRateLimited(t, limited, 5, 60);
    t.match(limited.json().detail, /this API key/);

    // A write over the limit is refused before it runs.
    const before = await database.prisma.coordinator.count();
    const write = await app.inject({ method: "POST", url: "/v1/coordinators", headers: hammer.headers, payload: { name: `Ponad limit ${randomUUID()}` } });
    assertRateLimited(t, write, 5, 60);
    t.equal(await database.prisma.coordinator.count(), before, "nothing was created");

    // Another key from the same address has its own counter; so has the address itself (no key: 401, counted).
    assertCounted(t, await app.inject({ method: "GET", url: "/v1/clusters", headers: other.headers }), 200, 5, 4, "another key");
    assertCounted(t, await app.inject({ method: "GET", url: "/v1/clusters" }), 401, 2, 1, "no key, same address");

    // Only /v1 is limited.
    for (const url of ["/health/live", "/health/ready", "/metrics", "/openapi.json", "/docs/", "/problems"]) {
      for (let i = 0; i < 4; i++) {
        const response = await app.inject({ method: "GET", url, headers: hammer.headers });
        t.equal(response.statusCode, 200, `${url} is served`);
        t.equal(response.headers["ratelimit-limit"], undefined, `${url}: no RateLimit headers`);
      }
    }
    assertRateLimited(t, await app.inject({ method: "GET", url: "/v1/clusters", headers: hammer.headers }), 5, 60);
  });

  t.test("requests without a valid key are limited per client address", async (t) => {
    const app = await limitedApp(t, database, { enabled: true, max: 100, anonymousMax: 3, windowSeconds: 60 });
    const reader = await createTestKey(database, "reader");
    const from = (remoteAddress: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url: "/v1/clusters", remoteAddress, headers });

    assertCounted(t, await from("198.51.100.1"), 401, 3, 2, "no key");
    assertCounted(t, await from("198.51.100.1", { authorization: "Bearer crk_aaaaaaaa_guessguessguessguessguessguessguessguess" }), 401, 3, 1, "a wrong key counts per address");
    assertCounted(t, await from("198.51.100.1", { authorization: "Basic Zm9vOmJhcg==" }), 401, 3, 0, "a malformed header too");
    const limited = await from("198.51.100.1");
    assertRateLimited(t, limited, 3, 60);
    t.match(limited.json().detail, /without a valid API key from this address/);
    assertRateLimited(t, await from("198.51.100.1", { authorization: "Bearer crk_bbbbbbbb_guessguessguessguessguessguessguessguess" }), 3, 60);

    // A valid key from that address is counted per key, not per address.
    assertCounted(t, await from("198.51.100.1", reader.headers), 200, 100, 99, "a valid key from the limited address");
    // Another address has its own counter.
    assertCounted(t, await from("198.51.100.2"), 401, 3, 2, "another address");

    // IPv6: one /64 is one client.
    for (const [i, address] of ["2001:db8:5:6::1", "2001:db8:5:6::2", "2001:db8:5:6:ffff::9"].entries()) {
      assertCounted(t, await from(address), 401, 3, 2 - i, address);
    }
    assertRateLimited(t, await from("2001:db8:5:6::abcd"), 3, 60);
    assertCounted(t, await from("2001:db8:5:7::1"), 401, 3, 2, "the next /64");
  });

  t.test("the window ends: the counter starts again", async (t) => {
    const app = await limitedApp(t, database, { enabled: true, max: 100, anonymousMax: 1, windowSeconds: 1 });
    const get = () => app.inject({ method: "GET", url: "/v1/clusters", remoteAddress: "192.0.2.10" });
    t.equal((await get()).statusCode, 401);
    const limited = await get();
    t.equal(limited.statusCode, 429);
    t.equal(limited.headers["retry-after"], "1");
    await sleep(1_100);
    const again = await get();
    t.equal(again.statusCode, 401, "served again after the window");
    t.equal(again.headers["ratelimit-remaining"], "0");
  });

  t.test("RATE_LIMIT_ENABLED=false: no limits, no headers", async (t) => {
    const app = await limitedApp(t, database, { enabled: false, max: 1, anonymousMax: 1, windowSeconds: 60 });
    for (let i = 0; i < 5; i++) {
      const response = await app.inject({ method: "GET", url: "/v1/clusters" });
      t.equal(response.statusCode, 401);
      t.equal(response.headers["ratelimit-limit"], undefined);
    }
  });

  t.test("each app instance counts on its own in memory", async (t) => {
    const rateLimit = { enabled: true, max: 100, anonymousMax: 2, windowSeconds: 60 };
    const [a, b] = [await limitedApp(t, database, rateLimit), await limitedApp(t, database, rateLimit)];
    const get = (app: typeof a) => app.inject({ method: "GET", url: "/v1/clusters", remoteAddress: "192.0.2.20" });
    assertCounted(t, await get(a), 401, 2, 1, "a");
    assertCounted(t, await get(a), 401, 2, 0, "a");
    assertCounted(t, await get(b), 401, 2, 1, "b does not see a's counter");
  });
});

// ---- Redis ---------------------------------------------------------------------------------------------------------

async function redisAvailable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

// CI (.ci/run) starts Redis; elsewhere the Redis tests run when one answers at REDIS_URL.
const skipRedis = !process.env.CI && !(await redisAvailable()) ? `no Redis at ${REDIS_URL}` : false;

/** A key prefix unique to this run; every key under it is deleted at the end. */
function redisPrefix(t: Test): string {
  const prefix = `test:rate-limit:${randomUUID()}:`;
  t.teardown(async () => {
    const redis = new Redis(REDIS_URL);
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    await redis.quit();
  });
  return prefix;
}

/** A TCP proxy in front of Redis that can be made to hang or go away, and come back on the same port. */
async function redisProxy(t: Test) {
  const target = new URL(REDIS_URL);
  const sockets = new Set<net.Socket>();
  let hanging = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    sockets.add(client).add(upstream);
    client.on("data", (data) => {
      if (!hanging) upstream.write(data);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) socket.on("error", end).on("close", end);
  });
  const listen = (port: number) => new Promise<number>((resolve) => server.listen(port, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
  const port = await listen(0);
  const stop = async () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  };
  t.teardown(stop);
  return {
    url: `redis://127.0.0.1:${port}`,
    hang: (value: boolean) => (hanging = value),
    stop,
    start: () => listen(port),
  };
}

t.test("in Redis", { skip: skipRedis }, async (t) => {
  const database = await testDatabase(t);

  t.test("two instances sharing Redis share the counter", async (t) => {
    const prefix = redisPrefix(t);
    const rateLimit = { enabled: true, max: 6, anonymousMax: 3, windowSeconds: 60, redisUrl: REDIS_URL, redisKeyPrefix: prefix };
    const [a, b] = [await limitedApp(t, database, rateLimit), await limitedApp(t, database, rateLimit)];
    const hammer = await createTestKey(database, "reader", { name: "shared hammer" });
    const other = await createTestKey(database, "reader", { name: "shared other" });

    // Split across both instances, the requests hit the combined limit.
    for (let i = 1; i <= 6; i++) {
      const app = i % 2 === 0 ? b : a;
      assertCounted(t, await app.inject({ method: "GET", url: "/v1/clusters", headers: hammer.headers }), 200, 6, 6 - i, `request ${i} on ${app === a ? "a" : "b"}`);
    }
    assertRateLimited(t, await a.inject({ method: "GET", url: "/v1/clusters", headers: hammer.headers }), 6, 60);
    assertRateLimited(t, await b.inject({ method: "GET", url: "/v1/clusters", headers: hammer.headers }), 6, 60);
    assertCounted(t, await b.inject({ method: "GET", url: "/v1/clusters", headers: other.headers }), 200, 6, 5, "another key");

    // Per address too.
    const anonymous = (app: typeof a) => app.inject({ method: "GET", url: "/v1/clusters", remoteAddress: "203.0.113.30" });
    assertCounted(t, await anonymous(a), 401, 3, 2, "no key on a");
    assertCounted(t, await anonymous(b), 401, 3, 1, "no key on b");
    assertCounted(t, await anonymous(a), 401, 3, 0, "no key on a");
    assertRateLimited(t, await anonymous(b), 3, 60);

    // The counters are in Redis, under the prefix, expiring with the window.
    const redis = new Redis(REDIS_URL);
    t.teardown(() => redis.quit());
    t.equal(await redis.get(`${prefix}key:${hammer.id}`), "8", "8 requests counted for the key");
    const ttl = await redis.pttl(`${prefix}key:${hammer.id}`);
    t.ok(ttl > 0 && ttl <= 60_000, `expires with the window (${ttl} ms)`);
    t.equal(await redis.get(`${prefix}address:203.0.113.30`), "4");
  });

  t.test("an unreachable Redis at start-up is a one-line error", async (t) => {
    const error = await buildApp({
      database,
      config: { ...TEST_CONFIG, rateLimit: { enabled: true, max: 5, anonymousMax: 5, windowSeconds: 60, redisUrl: "redis://:s3cret-pass@127.0.0.1:1/0" } },
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    t.ok(error, "buildApp rejects");
    t.match(error?.message, /^cannot connect to Redis at redis:\/\/127\.0\.0\.1:1\/0 \(REDIS_URL\): .*ECONNREFUSED/);
    t.notMatch(error?.message, /s3cret-pass/, "the password is not shown");
    t.notMatch(error?.message, /\n/, "one line");
  });

  t.test("a Redis that hangs or goes away mid-run lets requests through (fail open), then limits again", async (t) => {
    const proxy = await redisProxy(t);
    const log: string[] = [];
    const app = await limitedApp(t, database, { enabled: true, max: 1_000, anonymousMax: 1_000, windowSeconds: 60, redisUrl: proxy.url, redisKeyPrefix: redisPrefix(t) }, log);
    const key = await createTestKey(database, "reader");
    const get = () => app.inject({ method: "GET", url: "/v1/clusters", headers: key.headers });

    assertCounted(t, await get(), 200, 1_000, 999, "Redis up");

    // Hanging: each request waits at most the command timeout, then goes through unlimited.
    proxy.hang(true);
    const started = Date.now();
    const slow = await get();
    t.equal(slow.statusCode, 200, "served while Redis hangs");
    t.equal(slow.headers["ratelimit-limit"], undefined, "no RateLimit headers without a counter");
    t.ok(Date.now() - started < 3_000, `answered in ${Date.now() - started} ms`);
    proxy.hang(false);

    // Gone: connections refused.
    await proxy.stop();
    for (let i = 0; i < 5; i++) {
      const response = await get();
      t.equal(response.statusCode, 200, `served while Redis is gone (${response.body.slice(0, 100)})`);
      t.equal(response.headers["ratelimit-limit"], undefined);
    }
    const warnings = log.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.level === 40 && /rate limit counters unavailable/.test(entry.msg));
    t.ok(warnings.length >= 1, "a warning is logged");
    t.ok(warnings.length <= 3, `but not one per request (${warnings.length})`);
    t.notOk(log.some((line) => /"level":50/.test(line)), "no error logged");

    // Back: the limits apply again (ioredis reconnects in the background).
    await proxy.start();
    let back: LightMyRequestResponse | undefined;
    for (let i = 0; i < 50 && !back?.headers["ratelimit-limit"]; i++) {
      await sleep(200);
      back = await get();
      t.equal(back.statusCode, 200);
    }
    t.equal(back?.headers["ratelimit-limit"], "1000", "limited again once Redis answers");
    t.ok(log.some((line) => /rate limit counters available again/.test(line)), "and that is logged");
  });
});
