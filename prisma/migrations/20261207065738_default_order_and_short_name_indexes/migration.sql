-- CreateIndex
CREATE INDEX "activities_year_start_date_id_idx" ON "activities"("year", "start_date", "id");

-- CreateIndex
CREATE INDEX "clusters_short_name_id_idx" ON "clusters"("short_name", "id");
