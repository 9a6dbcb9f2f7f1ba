import { Prisma, type PrismaClient } from "../generated/prisma/client.ts";

/**
 * The change feed's one visibility rule: which audit events a reader may hand out without ever skipping one that
 * commits later. Everything that follows the feed (GET /v1/changes, the webhook dispatcher) reads events through
 * `readableEvents` and nothing else. With `details: true` each event also carries its `changes` and `data` (the record
 * as it then stood), for webhook payloads and the feed's `include=record`.
 *
 * Contract of `readableEvents(db, { after, limit, resourceTypes })`:
 * - `after` is a position (0n: the beginning); the answer lists at most `limit` events of `resourceTypes` that come
 *   after it, in feed order, each with its own `position`;
 * - `next` is where to continue: the last event's position when `hasMore`, otherwise the newest position any reader
 *   may pass (events of other types included), never less than `after`. Reading again from `next` never misses an
 *   event: one that is still being written now comes after `next` once it commits;
 * - two events of ONE record always come in the order they were written (version order), because the second write
 *   of a record can only begin once the first has committed.
 *
 * How, without a lock. Every event is stamped (column `feed_xid`, a default in the database, so every way of
 * inserting an event gets it) with the newest transaction id its writer knew of when it wrote the event:
 * GREATEST(its own transaction id, the newest transaction already finished). The feed is ordered by
 * (feed_xid, sequence), and a reader hands out only events stamped below the oldest transaction still in flight
 * (`pg_snapshot_xmin(pg_current_snapshot())`):
 * - an event that is not visible yet belongs to a transaction still in flight, or to one that has not started: its
 *   stamp is at least that transaction's own id, hence at least the oldest in flight. So every event below that
 *   horizon has committed (or never will), and every event that commits later sorts after all of them;
 * - if write B of a record starts after write A of it committed, A's transaction is among those finished when B
 *   writes its event, so B's stamp is at least A's transaction id, and at least anything A knew of: B sorts after A.
 *   (Ordering by the writer's transaction id alone would not do that: a request's transaction gets its id at its
 *   first write, the idempotency claim, and may write the record only later, after a younger transaction did.)
 * The cost: a transaction left open anywhere on the server holds back (never reorders) what the feed hands out
 * until it ends. The app's transactions are short and time-limited.
 *
 * Before this rule, events were numbered under one advisory lock held until commit, which made every write in the
 * system wait for the one before it. Events from that time are stamped 0 and keep their order.
 *
 * A position is the pair (feed_xid, sequence) written as one whole number, feed_xid * 10^19 + sequence: it compares
 * like the pair, and an event stamped 0 keeps its plain sequence number as its position.
 */

const SEQUENCE_SPAN = 10n ** 19n;
const BIGINT_MAX = 9_223_372_036_854_775_807n;

/** The longest position: a PostgreSQL bigint stamp followed by a 19-digit sequence. */
export const POSITION_MAX_DIGITS = 38;

export type FeedEvent = {
  /** The audit event's id. */
  id: string;
  position: bigint;
  occurredAt: Date;
  action: string;
  resourceType: string;
  resourceId: string;
  parentId: string | null;
  version: number | null;
  /** With `details`: the changed fields' before/after (audit) and the record as it then stood (webhooks, include=record). */
  changes?: unknown;
  data?: unknown;
};

export type ReadableEvents = { events: FeedEvent[]; next: bigint; hasMore: boolean };

export function positionOf(feedXid: bigint, sequence: bigint): bigint {
  return feedXid * SEQUENCE_SPAN + sequence;
}

/** Whether a whole number is a position (both halves fit PostgreSQL's bigint). */
export function isPosition(position: bigint): boolean {
  return position >= 0n && position / SEQUENCE_SPAN <= BIGINT_MAX && position % SEQUENCE_SPAN <= BIGINT_MAX;
}

type Row = {
  id: string;
  feed_xid: bigint;
  sequence: bigint;
  occurred_at: Date;
  action: string;
  resource_type: string;
  resource_id: string;
  parent_id: string | null;
  version: number | null;
  changes?: unknown;
  data?: unknown;
};

/** The newest event below the horizon (everything up to it is final); undefined while there is none. */
async function feedHorizon(db: Pick<PrismaClient, "$queryRaw">) {
  const [horizon] = await db.$queryRaw<Array<{ feed_xid: bigint; sequence: bigint }>>`
    SELECT feed_xid, sequence FROM audit_events
    WHERE feed_xid < (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint)
    ORDER BY feed_xid DESC, sequence DESC LIMIT 1`;
  return horizon;
}

/**
 * The newest position a reader may pass (0n: no event yet). A reader already there has nothing to read: whatever
 * commits later comes after it.
 */
export async function readablePosition(db: Pick<PrismaClient, "$queryRaw">): Promise<bigint> {
  const horizon = await feedHorizon(db);
  return horizon ? positionOf(horizon.feed_xid, horizon.sequence) : 0n;
}

export async function readableEvents(
  db: Pick<PrismaClient, "$queryRaw">,
  options: { after: bigint; limit: number; resourceTypes: readonly string[]; details?: boolean },
): Promise<ReadableEvents> {
  const { after, limit, resourceTypes, details = false } = options;
  // Read first, so that the page below (read a moment later) can only be bounded by it, never see past it.
  const horizon = await feedHorizon(db);
  if (!horizon) return { events: [], next: after, hasMore: false };
  const newest = positionOf(horizon.feed_xid, horizon.sequence);
  if (newest <= after || resourceTypes.length === 0) return { events: [], next: after > newest ? after : newest, hasMore: false };

  const from = { feedXid: after / SEQUENCE_SPAN, sequence: after % SEQUENCE_SPAN };
  // A row comparison, so that the (feed_xid, sequence) index answers the range directly.
  const rows = await db.$queryRaw<Row[]>`
    SELECT id, feed_xid, sequence, occurred_at, action, resource_type, resource_id, parent_id, version
      ${details ? Prisma.sql`, changes, data` : Prisma.empty}
    FROM audit_events
    WHERE (feed_xid, sequence) > (${from.feedXid}, ${from.sequence})
      AND (feed_xid, sequence) <= (${horizon.feed_xid}, ${horizon.sequence})
      AND resource_type IN (${Prisma.join([...resourceTypes])})
    ORDER BY feed_xid, sequence
    LIMIT ${limit + 1}`;
  const hasMore = rows.length > limit;
  const events = rows.slice(0, limit).map((row) => ({
    id: row.id,
    position: positionOf(row.feed_xid, row.sequence),
    occurredAt: row.occurred_at,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    parentId: row.parent_id,
    version: row.version,
    ...(details ? { changes: row.changes ?? null, data: row.data ?? null } : {}),
  }));
  // A full page continues after its last event; otherwise the reader is up to date until the horizon, including the
  // events its filter left out, which it need not scan again.
  return { events, next: hasMore ? events.at(-1)!.position : newest, hasMore };
}
