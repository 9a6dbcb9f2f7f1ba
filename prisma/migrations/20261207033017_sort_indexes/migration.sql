-- Every sortable field of every list has an index (sort value, id): test/lib/keyset-plans.test.ts checks the plans.
-- CreateIndex
CREATE INDEX "activities_title_id_idx" ON "activities"("title", "id");

-- CreateIndex
CREATE INDEX "grant_applications_title_id_idx" ON "grant_applications"("title", "id");

-- CreateIndex
CREATE INDEX "meetings_sequence_number_id_idx" ON "meetings"("sequence_number", "id");
