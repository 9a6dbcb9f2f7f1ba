-- CreateIndex
CREATE INDEX "activities_year_start_date_id_idx" ON "activities"("year", "start_date", "id");
