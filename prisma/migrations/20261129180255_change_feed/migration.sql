-- The change feed's position. Existing events are numbered in the order they are stored (the table is append-only,
-- so that is the order they were written); new ones take their number under the feed lock (src/lib/audit.ts).
-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "sequence" BIGSERIAL NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_sequence_key" ON "audit_events"("sequence");
