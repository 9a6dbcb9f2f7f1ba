-- AlterTable
ALTER TABLE "idempotency_keys" ADD COLUMN     "committed_at" TIMESTAMPTZ(3),
ADD COLUMN     "lease_until" TIMESTAMPTZ(3),
ADD COLUMN     "owner" TEXT,
ADD COLUMN     "result_id" TEXT;
