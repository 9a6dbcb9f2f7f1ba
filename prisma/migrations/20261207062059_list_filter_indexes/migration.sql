-- DropIndex
DROP INDEX "coordinators_city_idx";

-- DropIndex
DROP INDEX "meetings_venue_city_idx";

-- CreateIndex
CREATE INDEX "cluster_memberships_role_organization_id_idx" ON "cluster_memberships"("role", "organization_id");

-- CreateIndex
CREATE INDEX "coordinators_city_idx" ON "coordinators" USING GIN ("city" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "coordinators_legal_form_id_idx" ON "coordinators"("legal_form", "id");

-- CreateIndex
CREATE INDEX "meetings_venue_city_idx" ON "meetings" USING GIN ("venue_city" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "meetings_status_id_idx" ON "meetings"("status", "id");

-- CreateIndex
CREATE INDEX "organizations_city_idx" ON "organizations" USING GIN ("city" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "webhook_subscriptions_search_text_idx" ON "webhook_subscriptions" USING GIN ("search_text" gin_trgm_ops);
