import { LRUCache } from "lru-cache";
import type { ApiKey as ApiKeyRow, PrismaClient } from "../../generated/prisma/client.ts";
import { secretMatches } from "./api-keys-service.ts";

/**
 * API key rows, kept for at most a second so that a request makes one query (its own) instead of two. Exact enough
 * for revocation, expiry and role changes on every instance:
 * - a change to a key (revoke, role, expiry; any change but the lastUsedAt bookkeeping) sends NOTIFY api_keys_changed
 *   with its prefix from a trigger in the changing transaction (migration api_key_change_notifications); every
 *   instance listening forgets that key when the change commits, and the instance that made it forgets it at once;
 * - the cache is used only while this instance is listening, and a row is kept at most `ttlMs` (1 s) from the moment
 *   it was read: the safety net for a notification lost with a connection that died silently;
 * - a row read while a notification about it arrived is not kept (the read may predate the change);
 * - expiry is checked against the clock on every request (verifyApiKey), not when the row was cached.
 * Unknown prefixes are not cached: a key created on another instance works on its first request here.
 */

export const API_KEY_CHANNEL = "api_keys_changed";
export type ApiKeyCacheOptions = { ttlMs: number; max: number };
export const API_KEY_CACHE_DEFAULTS: ApiKeyCacheOptions = { ttlMs: 1_000, max: 10_000 };

export type ApiKeyCache = ReturnType<typeof apiKeyCache>;

export function apiKeyCache(prisma: PrismaClient, options: ApiKeyCacheOptions = API_KEY_CACHE_DEFAULTS) {
  // ttlResolution 0: an entry's age is read from the clock at each look-up. The default (1 ms) caches the clock and
  // starts a timer to forget it at every look-up, a timer per request.
  const rows = new LRUCache<string, ApiKeyRow>({ max: options.max, ttl: options.ttlMs, ttlResolution: 0 });
  let listening = false;
  // Bumped by every invalidation: a read that began before one must not fill the cache.
  let generation = 0;
  const stats = { hits: 0, misses: 0 };

  const forgetAll = () => {
    generation++;
    rows.clear();
  };

  /** The row of the key with this public prefix if this cache holds it now, without waiting (undefined: ask `find`). */
  const held = (prefix: string): ApiKeyRow | undefined => {
    const cached = listening ? rows.get(prefix) : undefined;
    if (cached) stats.hits++;
    return cached;
  };

  // The key found to match each row read, for as long as the row is held: a held key is hashed once, not on every
  // request (SHA-256 and the hex decoding were 2 % of a GET by id). A Set compares a presented key with the one it
  // holds only when their string hashes agree, never character by character up to the first difference.
  const matched = new WeakMap<ApiKeyRow, Set<string>>();

  return {
    stats,

    held,

    /** Whether `key` is the key of `row` (secretMatches), remembered with the row. */
    matches(key: string, row: ApiKeyRow): boolean {
      if (matched.get(row)?.has(key)) return true;
      if (!secretMatches(key, row.secretHash)) return false;
      matched.set(row, new Set([key]));
      return true;
    },

    /** The row of the key with this public prefix (null: none). */
    async find(prefix: string): Promise<ApiKeyRow | null> {
      const cached = held(prefix);
      if (cached) return cached;
      stats.misses++;
      const began = { generation, at: performance.now() };
      const row = await prisma.apiKey.findUnique({ where: { prefix } });
      const ttl = Math.floor(options.ttlMs - (performance.now() - began.at));
      if (row && listening && generation === began.generation && ttl > 0) rows.set(prefix, row, { ttl });
      return row;
    },

    /** A key changed (notified, or changed by this instance). */
    forget(prefix: string): void {
      generation++;
      rows.delete(prefix);
    },

    isListening: () => listening,

    /** Whether changes are being heard: while not, nothing is cached (and what was is dropped, changes may have been missed). */
    setListening(up: boolean): void {
      listening = up;
      forgetAll();
    },
  };
}
