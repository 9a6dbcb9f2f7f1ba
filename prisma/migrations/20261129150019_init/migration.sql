CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- CreateEnum
CREATE TYPE "legal_form" AS ENUM ('limited_liability_company', 'joint_stock_company', 'simple_joint_stock_company', 'general_partnership', 'limited_partnership', 'limited_joint_stock_partnership', 'professional_partnership', 'sole_proprietorship', 'foundation', 'association', 'employers_organization', 'cooperative', 'university', 'public_body', 'other');

-- CreateTable
CREATE TABLE "coordinators" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "short_name" TEXT,
    "legal_form" "legal_form",
    "krs" TEXT,
    "nip" TEXT,
    "regon" TEXT,
    "street" TEXT,
    "postal_code" TEXT,
    "city" TEXT,
    "country" CHAR(2),
    "website" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "mandate_basis" TEXT,
    "mandate_date" DATE,
    "search_text" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "coordinators_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "clusters" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "short_name" TEXT,
    "sectors" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "description" TEXT,
    "founding_agreement_date" DATE,
    "coordinator_id" UUID NOT NULL,
    "search_text" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response_status" INTEGER,
    "response_body" TEXT,
    "response_headers" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("scope","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "coordinators_krs_key" ON "coordinators"("krs");

-- CreateIndex
CREATE UNIQUE INDEX "coordinators_nip_key" ON "coordinators"("nip");

-- CreateIndex
CREATE UNIQUE INDEX "coordinators_regon_key" ON "coordinators"("regon");

-- CreateIndex
CREATE INDEX "coordinators_name_id_idx" ON "coordinators"("name", "id");

-- CreateIndex
CREATE INDEX "coordinators_created_at_id_idx" ON "coordinators"("created_at", "id");

-- CreateIndex
CREATE INDEX "coordinators_updated_at_id_idx" ON "coordinators"("updated_at", "id");

-- CreateIndex
CREATE INDEX "coordinators_city_idx" ON "coordinators"("city");

-- CreateIndex
CREATE INDEX "coordinators_search_text_idx" ON "coordinators" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "clusters_short_name_key" ON "clusters"("short_name");

-- CreateIndex
CREATE INDEX "clusters_coordinator_id_id_idx" ON "clusters"("coordinator_id", "id");

-- CreateIndex
CREATE INDEX "clusters_name_id_idx" ON "clusters"("name", "id");

-- CreateIndex
CREATE INDEX "clusters_founding_agreement_date_id_idx" ON "clusters"("founding_agreement_date", "id");

-- CreateIndex
CREATE INDEX "clusters_created_at_id_idx" ON "clusters"("created_at", "id");

-- CreateIndex
CREATE INDEX "clusters_updated_at_id_idx" ON "clusters"("updated_at", "id");

-- CreateIndex
CREATE INDEX "clusters_sectors_idx" ON "clusters" USING GIN ("sectors");

-- CreateIndex
CREATE INDEX "clusters_search_text_idx" ON "clusters" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys"("expires_at");

-- AddForeignKey
ALTER TABLE "clusters" ADD CONSTRAINT "clusters_coordinator_id_fkey" FOREIGN KEY ("coordinator_id") REFERENCES "coordinators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
