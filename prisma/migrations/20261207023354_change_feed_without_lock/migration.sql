-- The change feed without a global lock (src/lib/change-feed.ts). Each event is stamped with the newest transaction id
-- its writer knew of; the feed lists events by (feed_xid, sequence) and hands out only those stamped below the oldest
-- transaction still in flight.
-- Events written before this migration are stamped 0: they keep their order (by sequence) and come before every new
-- one, so a position a client holds from before (a bare sequence number) still means the same place in the feed.
-- (A constant default fills the existing rows without an UPDATE, which the append-only trigger would refuse.)
-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "feed_xid" BIGINT NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "audit_events_feed_xid_sequence_idx" ON "audit_events"("feed_xid", "sequence");

-- The stamp is set by a trigger rather than a column default: an expression in a VOLATILE function takes a fresh
-- snapshot, so "the newest transaction already finished" is read when the event is inserted, even when the insert
-- shares one statement with the write it records (whose statement snapshot may predate a row lock it waited for).
CREATE FUNCTION audit_events_feed_xid() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  NEW.feed_xid := GREATEST(pg_current_xact_id()::text::bigint, pg_snapshot_xmax(pg_current_snapshot())::text::bigint - 1);
  RETURN NEW;
END;
$$;

CREATE TRIGGER audit_events_feed_xid
  BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_feed_xid();
