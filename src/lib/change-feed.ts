import type { Db } from "./resource.ts";

/**
 * The change feed's visibility rule, in one place: the change feed (GET /v1/changes) and the webhook dispatcher
 * read audit events only through it.
 *
 * `feedHorizon` is the highest position a reader may hand out now without ever skipping an event that commits
 * later: a reader takes the events with `after < sequence <= horizon`, and may move its position up to the horizon
 * even past events its filters left out. Today events are numbered under a lock held until their transaction ends
 * (src/lib/audit.ts), so every event numbered at or below the newest position has committed or rolled back: the
 * horizon is simply that newest position, read first.
 */
export async function feedHorizon(db: Db): Promise<bigint | null> {
  return (await db.auditEvent.aggregate({ _max: { sequence: true } }))._max.sequence;
}
