-- CreateEnum
CREATE TYPE "organization_kind" AS ENUM ('business', 'science', 'government', 'ngo', 'media', 'other');

-- CreateEnum
CREATE TYPE "membership_role" AS ENUM ('founder', 'member', 'partner', 'observer');

-- CreateEnum
CREATE TYPE "activity_category" AS ENUM ('strategy', 'grant_application', 'project', 'promotion', 'media', 'meeting', 'networking', 'other');

-- CreateEnum
CREATE TYPE "activity_status" AS ENUM ('planned', 'in_progress', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "meeting_format" AS ENUM ('workshop', 'simulation_workshop', 'working_meeting', 'conference', 'other');

-- CreateEnum
CREATE TYPE "helix" AS ENUM ('business', 'science', 'government', 'other');

-- CreateEnum
CREATE TYPE "grant_application_status" AS ENUM ('draft', 'submitted', 'under_evaluation', 'approved', 'rejected', 'withdrawn', 'contracted', 'completed');

-- CreateEnum
CREATE TYPE "media_kind" AS ENUM ('portal', 'press', 'radio', 'tv', 'other');

-- CreateTable
CREATE TABLE "organizations" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "short_name" TEXT,
    "kind" "organization_kind" NOT NULL,
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
    "description" TEXT,
    "search_text" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cluster_memberships" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "role" "membership_role" NOT NULL,
    "joined_on" DATE,
    "left_on" DATE,
    "notes" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cluster_memberships_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activities" (
    "id" UUID NOT NULL,
    "coordinator_id" UUID NOT NULL,
    "cluster_id" UUID,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "category" "activity_category" NOT NULL,
    "status" "activity_status" NOT NULL,
    "year" INTEGER NOT NULL,
    "start_date" DATE,
    "end_date" DATE,
    "search_text" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "activities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_media_partners" (
    "activity_id" UUID NOT NULL,
    "media_partner_id" UUID NOT NULL,

    CONSTRAINT "activity_media_partners_pkey" PRIMARY KEY ("activity_id","media_partner_id")
);

-- CreateTable
CREATE TABLE "meetings" (
    "id" UUID NOT NULL,
    "activity_id" UUID,
    "title" TEXT NOT NULL,
    "series_name" TEXT,
    "sequence_number" INTEGER,
    "date" DATE NOT NULL,
    "starts_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "time_zone" TEXT NOT NULL DEFAULT 'Europe/Warsaw',
    "format" "meeting_format" NOT NULL,
    "venue_name" TEXT,
    "venue_street" TEXT,
    "venue_postal_code" TEXT,
    "venue_city" TEXT,
    "venue_district" TEXT,
    "agenda" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "outcomes" TEXT,
    "search_text" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "meetings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meeting_participants" (
    "id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "organization_id" UUID,
    "person_name" TEXT,
    "role" TEXT,
    "helix" "helix",
    "notes" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "meeting_participants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "grant_applications" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "call_name" TEXT,
    "programme" TEXT,
    "funding_body_id" UUID,
    "applicant_id" UUID NOT NULL,
    "cluster_id" UUID,
    "activity_id" UUID,
    "submitted_on" DATE,
    "requested_amount" DECIMAL(16,2),
    "requested_currency" CHAR(3),
    "awarded_amount" DECIMAL(16,2),
    "awarded_currency" CHAR(3),
    "in_kind_support" TEXT,
    "score" DECIMAL(8,2),
    "max_score" DECIMAL(8,2),
    "rank" INTEGER,
    "rank_out_of" INTEGER,
    "evaluation_notes" TEXT,
    "decision_reference" TEXT,
    "decision_date" DATE,
    "decision_body" TEXT,
    "status" "grant_application_status" NOT NULL DEFAULT 'draft',
    "status_changed_on" DATE,
    "search_text" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "grant_applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "grant_application_partners" (
    "grant_application_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'partner',
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "grant_application_partners_pkey" PRIMARY KEY ("grant_application_id","organization_id")
);

-- CreateTable
CREATE TABLE "grant_application_status_changes" (
    "id" UUID NOT NULL,
    "grant_application_id" UUID NOT NULL,
    "from_status" "grant_application_status",
    "to_status" "grant_application_status" NOT NULL,
    "on" DATE,
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "grant_application_status_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "media_partners" (
    "id" UUID NOT NULL,
    "coordinator_id" UUID,
    "name" TEXT NOT NULL,
    "website" TEXT,
    "domain" TEXT,
    "kind" "media_kind" NOT NULL,
    "cooperation_since" DATE,
    "cooperation_until" DATE,
    "ongoing" BOOLEAN NOT NULL DEFAULT false,
    "contact_name" TEXT,
    "contact_email" TEXT,
    "contact_phone" TEXT,
    "notes" TEXT,
    "search_text" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "media_partners_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "media_publications" (
    "id" UUID NOT NULL,
    "media_partner_id" UUID NOT NULL,
    "activity_id" UUID,
    "title" TEXT NOT NULL,
    "url" TEXT,
    "published_on" DATE,
    "notes" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "media_publications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "organizations_krs_key" ON "organizations"("krs");

-- CreateIndex
CREATE UNIQUE INDEX "organizations_nip_key" ON "organizations"("nip");

-- CreateIndex
CREATE UNIQUE INDEX "organizations_regon_key" ON "organizations"("regon");

-- CreateIndex
CREATE INDEX "organizations_name_id_idx" ON "organizations"("name", "id");

-- CreateIndex
CREATE INDEX "organizations_kind_id_idx" ON "organizations"("kind", "id");

-- CreateIndex
CREATE INDEX "organizations_created_at_id_idx" ON "organizations"("created_at", "id");

-- CreateIndex
CREATE INDEX "organizations_updated_at_id_idx" ON "organizations"("updated_at", "id");

-- CreateIndex
CREATE INDEX "organizations_search_text_idx" ON "organizations" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "cluster_memberships_cluster_id_id_idx" ON "cluster_memberships"("cluster_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "cluster_memberships_organization_id_cluster_id_key" ON "cluster_memberships"("organization_id", "cluster_id");

-- CreateIndex
CREATE INDEX "activities_year_id_idx" ON "activities"("year", "id");

-- CreateIndex
CREATE INDEX "activities_start_date_id_idx" ON "activities"("start_date", "id");

-- CreateIndex
CREATE INDEX "activities_end_date_idx" ON "activities"("end_date");

-- CreateIndex
CREATE INDEX "activities_coordinator_id_id_idx" ON "activities"("coordinator_id", "id");

-- CreateIndex
CREATE INDEX "activities_cluster_id_id_idx" ON "activities"("cluster_id", "id");

-- CreateIndex
CREATE INDEX "activities_category_id_idx" ON "activities"("category", "id");

-- CreateIndex
CREATE INDEX "activities_status_id_idx" ON "activities"("status", "id");

-- CreateIndex
CREATE INDEX "activities_created_at_id_idx" ON "activities"("created_at", "id");

-- CreateIndex
CREATE INDEX "activities_updated_at_id_idx" ON "activities"("updated_at", "id");

-- CreateIndex
CREATE INDEX "activities_search_text_idx" ON "activities" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "activity_media_partners_media_partner_id_idx" ON "activity_media_partners"("media_partner_id");

-- CreateIndex
CREATE INDEX "meetings_date_id_idx" ON "meetings"("date", "id");

-- CreateIndex
CREATE INDEX "meetings_activity_id_id_idx" ON "meetings"("activity_id", "id");

-- CreateIndex
CREATE INDEX "meetings_venue_city_idx" ON "meetings"("venue_city");

-- CreateIndex
CREATE INDEX "meetings_format_id_idx" ON "meetings"("format", "id");

-- CreateIndex
CREATE INDEX "meetings_created_at_id_idx" ON "meetings"("created_at", "id");

-- CreateIndex
CREATE INDEX "meetings_updated_at_id_idx" ON "meetings"("updated_at", "id");

-- CreateIndex
CREATE INDEX "meetings_search_text_idx" ON "meetings" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "meeting_participants_meeting_id_id_idx" ON "meeting_participants"("meeting_id", "id");

-- CreateIndex
CREATE INDEX "meeting_participants_organization_id_idx" ON "meeting_participants"("organization_id");

-- CreateIndex
CREATE INDEX "grant_applications_status_id_idx" ON "grant_applications"("status", "id");

-- CreateIndex
CREATE INDEX "grant_applications_submitted_on_id_idx" ON "grant_applications"("submitted_on", "id");

-- CreateIndex
CREATE INDEX "grant_applications_applicant_id_id_idx" ON "grant_applications"("applicant_id", "id");

-- CreateIndex
CREATE INDEX "grant_applications_funding_body_id_idx" ON "grant_applications"("funding_body_id");

-- CreateIndex
CREATE INDEX "grant_applications_cluster_id_id_idx" ON "grant_applications"("cluster_id", "id");

-- CreateIndex
CREATE INDEX "grant_applications_activity_id_idx" ON "grant_applications"("activity_id");

-- CreateIndex
CREATE INDEX "grant_applications_created_at_id_idx" ON "grant_applications"("created_at", "id");

-- CreateIndex
CREATE INDEX "grant_applications_updated_at_id_idx" ON "grant_applications"("updated_at", "id");

-- CreateIndex
CREATE INDEX "grant_applications_search_text_idx" ON "grant_applications" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "grant_application_partners_organization_id_idx" ON "grant_application_partners"("organization_id");

-- CreateIndex
CREATE INDEX "grant_application_status_changes_grant_application_id_creat_idx" ON "grant_application_status_changes"("grant_application_id", "created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "media_partners_domain_key" ON "media_partners"("domain");

-- CreateIndex
CREATE INDEX "media_partners_name_id_idx" ON "media_partners"("name", "id");

-- CreateIndex
CREATE INDEX "media_partners_kind_id_idx" ON "media_partners"("kind", "id");

-- CreateIndex
CREATE INDEX "media_partners_coordinator_id_idx" ON "media_partners"("coordinator_id");

-- CreateIndex
CREATE INDEX "media_partners_created_at_id_idx" ON "media_partners"("created_at", "id");

-- CreateIndex
CREATE INDEX "media_partners_updated_at_id_idx" ON "media_partners"("updated_at", "id");

-- CreateIndex
CREATE INDEX "media_partners_search_text_idx" ON "media_partners" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "media_publications_media_partner_id_id_idx" ON "media_publications"("media_partner_id", "id");

-- CreateIndex
CREATE INDEX "media_publications_activity_id_idx" ON "media_publications"("activity_id");

-- CreateIndex
CREATE INDEX "media_publications_published_on_idx" ON "media_publications"("published_on");

-- AddForeignKey
ALTER TABLE "cluster_memberships" ADD CONSTRAINT "cluster_memberships_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cluster_memberships" ADD CONSTRAINT "cluster_memberships_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activities" ADD CONSTRAINT "activities_coordinator_id_fkey" FOREIGN KEY ("coordinator_id") REFERENCES "coordinators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activities" ADD CONSTRAINT "activities_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_media_partners" ADD CONSTRAINT "activity_media_partners_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_media_partners" ADD CONSTRAINT "activity_media_partners_media_partner_id_fkey" FOREIGN KEY ("media_partner_id") REFERENCES "media_partners"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_participants" ADD CONSTRAINT "meeting_participants_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_participants" ADD CONSTRAINT "meeting_participants_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grant_applications" ADD CONSTRAINT "grant_applications_funding_body_id_fkey" FOREIGN KEY ("funding_body_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grant_applications" ADD CONSTRAINT "grant_applications_applicant_id_fkey" FOREIGN KEY ("applicant_id") REFERENCES "coordinators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grant_applications" ADD CONSTRAINT "grant_applications_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grant_applications" ADD CONSTRAINT "grant_applications_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grant_application_partners" ADD CONSTRAINT "grant_application_partners_grant_application_id_fkey" FOREIGN KEY ("grant_application_id") REFERENCES "grant_applications"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grant_application_partners" ADD CONSTRAINT "grant_application_partners_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grant_application_status_changes" ADD CONSTRAINT "grant_application_status_changes_grant_application_id_fkey" FOREIGN KEY ("grant_application_id") REFERENCES "grant_applications"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "media_partners" ADD CONSTRAINT "media_partners_coordinator_id_fkey" FOREIGN KEY ("coordinator_id") REFERENCES "coordinators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "media_publications" ADD CONSTRAINT "media_publications_media_partner_id_fkey" FOREIGN KEY ("media_partner_id") REFERENCES "media_partners"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "media_publications" ADD CONSTRAINT "media_publications_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
