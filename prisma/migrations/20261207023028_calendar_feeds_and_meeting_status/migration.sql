-- CreateEnum
CREATE TYPE "MeetingStatus" AS ENUM ('scheduled', 'cancelled');

-- AlterTable
ALTER TABLE "meetings" ADD COLUMN     "status" "MeetingStatus" NOT NULL DEFAULT 'scheduled';

-- CreateTable
CREATE TABLE "calendar_feeds" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cluster_id" UUID,
    "coordinator_id" UUID,
    "token_hash" TEXT NOT NULL,
    "search_text" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "calendar_feeds_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "calendar_feeds_token_hash_key" ON "calendar_feeds"("token_hash");

-- CreateIndex
CREATE INDEX "calendar_feeds_cluster_id_idx" ON "calendar_feeds"("cluster_id");

-- CreateIndex
CREATE INDEX "calendar_feeds_coordinator_id_idx" ON "calendar_feeds"("coordinator_id");

-- CreateIndex
CREATE INDEX "calendar_feeds_name_id_idx" ON "calendar_feeds"("name", "id");

-- CreateIndex
CREATE INDEX "calendar_feeds_created_at_id_idx" ON "calendar_feeds"("created_at", "id");

-- CreateIndex
CREATE INDEX "calendar_feeds_updated_at_id_idx" ON "calendar_feeds"("updated_at", "id");

-- CreateIndex
CREATE INDEX "calendar_feeds_search_text_idx" ON "calendar_feeds" USING GIN ("search_text" gin_trgm_ops);

-- AddForeignKey
ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_coordinator_id_fkey" FOREIGN KEY ("coordinator_id") REFERENCES "coordinators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
