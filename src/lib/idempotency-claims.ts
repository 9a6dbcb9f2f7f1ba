import { createHash, randomUUID } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Tx } from "./records.ts";

/**
 * The rows behind Idempotency-Key (table idempotency_keys): one per (scope, key), claimed by one request at a time.
 *
 * A claim is a lease. The request that holds it renews it while it runs; if its process dies, the lease lapses and
 * the next retry takes the claim over, instead of being told to wait for a day. Two things keep a taken-over
 * request from running twice:
 * - the handler's own write transaction first marks the claim as committed, on the condition that it still holds
 *   it (`fence`): that row lock makes a takeover wait for the write's outcome, and a write whose claim was taken over
 *   fails and rolls back;
 * - a claim whose write is committed is never taken over: if its answer was lost with its process, the answer is
 *   rebuilt from the record it wrote (`resultId`) and replayed.
 */

/** Key order does not change a JSON body's meaning, so it must not change its fingerprint either. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A request's fingerprint: its method, path and body (a file as its bytes). */
export const requestFingerprint = (method: string, path: string, body: string | Buffer) =>
  createHash("sha256").update(`${method} ${path}\n`).update(body).digest("hex");

export type Claim = { scope: string; key: string; owner: string };
export type StoredAnswer = { status: number; body: string; headers: Record<string, string> };

export const ANSWER_TTL_MS = 24 * 60 * 60 * 1000;

export function idempotencyClaims(prisma: PrismaClient, leaseMs: number) {
  const where = (claim: Claim) => ({ scope: claim.scope, key: claim.key, owner: claim.owner });
  const leaseEnd = () => new Date(Date.now() + leaseMs);

  return {
    leaseMs,

    /** A new claim, or undefined when the key already has a row. */
    async claim(input: { scope: string; key: string; method: string; path: string; requestHash: string }): Promise<Claim | undefined> {
      const owner = randomUUID();
      const { count } = await prisma.idempotencyKey.createMany({
        data: [{ ...input, owner, leaseUntil: leaseEnd(), expiresAt: new Date(Date.now() + ANSWER_TTL_MS) }],
        skipDuplicates: true,
      });
      return count === 1 ? { scope: input.scope, key: input.key, owner } : undefined;
    },

    find: (scope: string, key: string) => prisma.idempotencyKey.findUnique({ where: { scope_key: { scope, key } } }),

    /** Takes over a claim whose lease lapsed and whose write never committed; undefined if someone else was faster. */
    async takeOver(row: { scope: string; key: string; owner: string | null }): Promise<Claim | undefined> {
      const owner = randomUUID();
      const { count } = await prisma.idempotencyKey.updateMany({
        where: {
          scope: row.scope,
          key: row.key,
          owner: row.owner,
          committedAt: null,
          responseStatus: null,
          OR: [{ leaseUntil: null }, { leaseUntil: { lt: new Date() } }],
        },
        data: { owner, leaseUntil: leaseEnd() },
      });
      return count === 1 ? { scope: row.scope, key: row.key, owner } : undefined;
    },

    renew: (claim: Claim) => prisma.idempotencyKey.updateMany({ where: { ...where(claim), responseStatus: null }, data: { leaseUntil: leaseEnd() } }),

    /**
     * In the handler's write transaction, first: the claim is committed with the write, or not at all. False when
     * the claim is no longer this request's (taken over after its lease lapsed): the write must not happen.
     */
    async fence(tx: Tx, claim: Claim): Promise<boolean> {
      const { count } = await tx.idempotencyKey.updateMany({ where: where(claim), data: { committedAt: new Date() } });
      return count === 1;
    },

    /** In the same transaction, last: which record the write answered with. */
    noteResult: (tx: Tx, claim: Claim, resultId: string) => tx.idempotencyKey.updateMany({ where: where(claim), data: { resultId } }),

    store: (claim: Claim, answer: StoredAnswer) =>
      prisma.idempotencyKey.updateMany({
        where: where(claim),
        data: { responseStatus: answer.status, responseBody: answer.body, responseHeaders: answer.headers, leaseUntil: null },
      }),

    /** Frees the key for a new attempt, unless this claim's write committed (then a retry must replay, not rerun). */
    release: (claim: Claim) => prisma.idempotencyKey.deleteMany({ where: { ...where(claim), committedAt: null } }).catch(() => undefined),

    /** The answer rebuilt for a committed claim whose answer was lost; stored so that every later replay is the same. */
    storeRebuilt: (row: { scope: string; key: string }, answer: StoredAnswer) =>
      prisma.idempotencyKey.updateMany({
        where: { scope: row.scope, key: row.key, responseStatus: null },
        data: { responseStatus: answer.status, responseBody: answer.body, responseHeaders: answer.headers, leaseUntil: null },
      }),

    sweep: () => prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lt: new Date() } } }),

    dropExpired: (scope: string, key: string) => prisma.idempotencyKey.deleteMany({ where: { scope, key, expiresAt: { lt: new Date() } } }),
  };
}

export type IdempotencyClaims = ReturnType<typeof idempotencyClaims>;
