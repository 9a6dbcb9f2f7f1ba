import crypto from "node:crypto";
import { problemText } from "../../lib/messages/problems.ts";
import type { ApiKey as ApiKeyRow, Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { withRequestHooks } from "../../db/transactions.ts";
import { recordAudit } from "../../lib/audit.ts";
import { assertIfMatch } from "../../lib/etag.ts";
import { paginate, type SortableFields } from "../../lib/pagination.ts";
import { ApiError, notFound } from "../../lib/problem.ts";
import { atVersion, lostRace, type Tx } from "../../lib/records.ts";
import type { RequestContext } from "../../lib/request-context.ts";
import type { ApiKeyCreateInput, ApiKeyDto, ApiKeyListQueryInput, ApiKeyRoleName } from "./api-keys-schemas.ts";

/**
 * API keys look like `crk_<prefix>_<secret>`: the prefix (8 lowercase letters and digits) is public and finds the
 * row; the secret (43 base64url characters, 256 random bits) is never stored — only the SHA-256 of the whole key,
 * which is compared in constant time. A fast hash is enough here: the secret is random, not a password, so there
 * is nothing to guess from a leaked hash.
 */

const PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const PREFIX_LENGTH = 8;
const SECRET_BYTES = 32;
/** The public prefix's length, and the whole key's: `crk_` + prefix + `_` + the secret in base64url (unpadded). */
export const API_KEY_PREFIX_LENGTH = PREFIX_LENGTH;
export const API_KEY_LENGTH = "crk_".length + PREFIX_LENGTH + 1 + Math.ceil((SECRET_BYTES * 4) / 3);
/** What a key sent by a client must look like before the database is asked about it. */
export const API_KEY_FORMAT = /^crk_([a-z0-9]{8})_([A-Za-z0-9_-]{40,200})$/;

/** Uniformly random characters from the alphabet (rejection sampling: 256 is not a multiple of 36). */
function randomPrefix(): string {
  let prefix = "";
  const limit = 256 - (256 % PREFIX_ALPHABET.length);
  while (prefix.length < PREFIX_LENGTH) {
    for (const byte of crypto.randomBytes(PREFIX_LENGTH * 2)) {
      if (byte < limit && prefix.length < PREFIX_LENGTH) prefix += PREFIX_ALPHABET[byte % PREFIX_ALPHABET.length];
    }
  }
  return prefix;
}

/** A new key and its public prefix. */
export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomPrefix();
  return { key: `crk_${prefix}_${crypto.randomBytes(SECRET_BYTES).toString("base64url")}`, prefix };
}

/** What is stored: the SHA-256 (hex) of the whole key. */
export const hashApiKey = (key: string): string => crypto.hash("sha256", key, "hex");

/** Whether `key` hashes to `storedHash`, compared in constant time (no early exit on the first differing byte). */
export function secretMatches(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(key), "hex");
  const stored = Buffer.from(storedHash, "hex");
  // Both are SHA-256 digests; a stored value of another length is damaged and matches nothing.
  if (stored.length !== presented.length) return false;
  return crypto.timingSafeEqual(presented, stored);
}

export type ApiKeyVerification =
  | { ok: true; key: ApiKeyRow }
  | { ok: false; reason: "malformed" | "unknown" | "expired" | "revoked" };

/**
 * Resolves a key sent by a client: by its prefix, then the hash of the whole key. `find` reads the row (the auth
 * plugin passes its cache, src/modules/api-keys/api-key-cache.ts); expiry is compared with `now` on every call. A
 * wrong secret is "unknown", like a prefix that does not exist: only the holder of the real key learns that it
 * expired or was revoked.
 */
export async function verifyApiKey(
  prisma: PrismaClient,
  key: string,
  now = new Date(),
  find: (prefix: string) => Promise<ApiKeyRow | null> = (prefix) => prisma.apiKey.findUnique({ where: { prefix } }),
): Promise<ApiKeyVerification> {
  const prefix = apiKeyPrefix(key);
  if (prefix === undefined) return { ok: false, reason: "malformed" };
  return checkApiKey(key, await find(prefix), now);
}

/** The public prefix of a key sent by a client; undefined when it is not shaped like a key. */
export const apiKeyPrefix = (key: string): string | undefined => API_KEY_FORMAT.exec(key)?.[1];

/**
 * The verdict on `key` given the row its prefix names (null: none), at `now` (verifyApiKey, and the auth plugin on a
 * cached row). `matches`: whether the key is the row's (the auth plugin passes its cache's, which remembers a match).
 */
export function checkApiKey(
  key: string,
  row: ApiKeyRow | null,
  now: Date,
  matches: (key: string, row: ApiKeyRow) => boolean = (key, row) => secretMatches(key, row.secretHash),
): ApiKeyVerification {
  if (!row || !matches(key, row)) return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, key: row };
}

/** Records when a key was last used. Raw SQL: this is bookkeeping, not a change to the key (no version, no updatedAt). */
export async function touchApiKeyLastUsed(prisma: PrismaClient, id: string, at: Date): Promise<void> {
  await prisma.$executeRaw`UPDATE api_keys SET last_used_at = ${at} WHERE id = ${id}::uuid AND (last_used_at IS NULL OR last_used_at < ${at})`;
}

const iso = (value: Date | null) => (value === null ? null : value.toISOString());

export function toApiKeyDto(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    lastUsedAt: iso(row.lastUsedAt),
    createdByKeyId: row.createdByKeyId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What the audit log shows of a key: its settings, never the secret or its hash. */
function auditShape(row: ApiKeyRow) {
  return {
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    createdByKeyId: row.createdByKeyId,
  };
}

export type NewApiKey = { name: string; role: ApiKeyRoleName; expiresAt?: Date | string | null; createdByKeyId?: string | null };

/**
 * Creates a key (and its audit event, in the same transaction). Returns the record and the key, which exists only
 * in this return value: the caller shows it once. Used by POST /v1/api-keys (with its request's `context`),
 * `npm run keys:create`, the demo key at first start, and the tests.
 */
export async function createApiKey(prisma: PrismaClient, input: NewApiKey, context?: RequestContext): Promise<{ record: ApiKeyDto; key: string }> {
  const expiresAt = input.expiresAt == null ? null : new Date(input.expiresAt);
  if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new TypeError("expiresAt is not a valid date");
  // 36^8 prefixes: a clash is very unlikely, but a unique index decides, so try again if one happens.
  for (let attempt = 1; ; attempt++) {
    const { key, prefix } = generateApiKey();
    try {
      const row = await prisma.$transaction(withRequestHooks(context, async (tx: Tx) => {
        const created = await tx.apiKey.create({
          data: { name: input.name, role: input.role, prefix, secretHash: hashApiKey(key), expiresAt, createdByKeyId: input.createdByKeyId ?? null },
        });
        await recordAudit(tx, { action: "create", resourceType: "api-keys", resourceId: created.id, version: created.version, after: auditShape(created) }, context);
        return created;
      }));
      return { record: toApiKeyDto(row), key };
    } catch (error) {
      const e = error as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
      const clash = e.code === "P2002" || e.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation";
      if (!clash || attempt >= 3) throw error;
    }
  }
}

const SORTABLE: SortableFields = { createdAt: { type: "datetime" }, name: { type: "string" } };

export function apiKeysService(prisma: PrismaClient) {
  return {
    async list(query: ApiKeyListQueryInput) {
      const where: Prisma.ApiKeyWhereInput = {
        AND: [
          query.role ? { role: query.role } : {},
          query.revoked === undefined ? {} : query.revoked ? { revokedAt: { not: null } } : { revokedAt: null },
        ],
      };
      const { rows, nextCursor } = await paginate({
        fields: SORTABLE,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
        where,
        findMany: (args) => prisma.apiKey.findMany(args as Prisma.ApiKeyFindManyArgs),
      });
      return { data: rows.map(toApiKeyDto), nextCursor };
    },

    async get(id: string) {
      const row = await prisma.apiKey.findUnique({ where: { id } });
      if (!row) throw notFound("API key", id);
      return toApiKeyDto(row);
    },

    /** Made by the request's key (`context.actor`). */
    create(input: ApiKeyCreateInput, context: RequestContext) {
      return createApiKey(prisma, { name: input.name, role: input.role, expiresAt: input.expiresAt ?? null, createdByKeyId: context.actor?.keyId }, context);
    },

    /**
     * Revocation keeps the row (the audit log refers to it); the key stops working on the next request. Returns the
     * key's prefix, for the caller to drop it from this instance's key cache (others hear of it by NOTIFY).
     */
    async revoke(id: string, ifMatch: string, context?: RequestContext): Promise<{ prefix: string }> {
      return prisma.$transaction(withRequestHooks(context, async (tx: Tx) => {
        const row = await tx.apiKey.findUnique({ where: { id } });
        if (!row) throw notFound("API key", id);
        assertIfMatch(ifMatch, row);
        if (row.revokedAt) {
          throw new ApiError("conflict", problemText("keyAlreadyRevoked", { at: row.revokedAt.toISOString() }));
        }
        const { count } = await tx.apiKey.updateMany({ where: atVersion(row), data: { revokedAt: new Date(), version: { increment: 1 } } });
        if (count === 0) throw lostRace("API key");
        const revoked = (await tx.apiKey.findUnique({ where: { id } }))!;
        await recordAudit(tx, {
          action: "revoke",
          resourceType: "api-keys",
          resourceId: id,
          version: revoked.version,
          before: auditShape(row),
          after: auditShape(revoked),
        }, context);
        return { prefix: row.prefix };
      }));
    },
  };
}
