import { ApiError } from "./problem.ts";

/** Strong entity tag of one version of one record. */
export const etagOf = (record: { id: string; version: number }) => `"${record.id}.v${record.version}"`;

/** Splits an If-Match / If-None-Match value into its entity tags ("*" stays as is). */
export function parseEntityTags(header: string): string[] {
  return header
    .split(/,(?=\s*(?:W\/)?")|,\s*(?=\*)/)
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

/** RFC 9110 §13.1.2: weak comparison; any listed tag (or "*") matching means "not modified". */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const tags = parseEntityTags(header);
  return tags.includes("*") || tags.some((tag) => tag.replace(/^W\//, "") === etag);
}

/** The If-Match precondition of a write (RFC 9110 §13.1.1, strong comparison). */
export type Precondition = { ifMatch: string | undefined };

export function requireIfMatch(header: string | undefined): string {
  if (header === undefined || header.trim() === "") {
    throw new ApiError(
      "precondition_required",
      "This request must carry an If-Match header with the record's current ETag (from a GET), so that a stale copy cannot overwrite newer changes.",
    );
  }
  return header;
}

/** Throws 412 with the current version unless `header` names the record's current ETag (or is "*"). */
export function assertIfMatch(header: string, current: { id: string; version: number }): void {
  const tags = parseEntityTags(header);
  const etag = etagOf(current);
  if (tags.includes("*") || tags.includes(etag)) return;
  throw new ApiError(
    "version_mismatch",
    `The record is at version ${current.version}; If-Match did not name its current ETag ${etag}. Fetch it again, reapply your change and retry.`,
    { extensions: { currentVersion: current.version, currentEtag: etag } },
  );
}
