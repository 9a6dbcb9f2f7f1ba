-- AlterTable
ALTER TABLE "cluster_memberships" ADD COLUMN     "search_text" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "media_publications" ADD COLUMN     "search_text" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "meeting_participants" ADD COLUMN     "search_text" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "cluster_memberships_search_text_idx" ON "cluster_memberships" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "media_publications_search_text_idx" ON "media_publications" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "meeting_participants_search_text_idx" ON "meeting_participants" USING GIN ("search_text" gin_trgm_ops);

-- Backfill rows written before this migration, folded as src/lib/search-text.ts folds them (lower case, no
-- diacritics, single spaces); every later write recomputes the column in the service.
UPDATE "cluster_memberships" SET "search_text" = btrim(regexp_replace(lower(unaccent(concat_ws(' ', "notes", "role"::text))), '\s+', ' ', 'g'));
UPDATE "media_publications" SET "search_text" = btrim(regexp_replace(lower(unaccent(concat_ws(' ', "title", "notes"))), '\s+', ' ', 'g'));
UPDATE "meeting_participants" SET "search_text" = btrim(regexp_replace(lower(unaccent(concat_ws(' ', "person_name", "role", "notes"))), '\s+', ' ', 'g'));
