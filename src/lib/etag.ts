import { createHash } from "node:crypto";
import { ApiError } from "./problem.ts";

/** Strong entity tag of one version of one record. */
export const etagOf = (record: { id: string; version: number }) => `"${record.id}.v${record.version}"`;

/** Every {id, version} record embedded in a representation (via `include=`), depth first, the root excluded. */
function embeddedVersions(value: unknown, into: string[], isRoot: boolean): string[] {
  if (Array.isArray(value)) value.forEach((item) => embeddedVersions(item, into, false));
  else if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (!isRoot && typeof record.id === "string" && typeof record.version === "number") into.push(`${record.id}.v${record.version}`);
    for (const child of Object.values(record)) if (child && typeof child === "object") embeddedVersions(child, into, false);
  }
  return into;
}

/**
 * The ETag of a representation that may embed other records: the record's own ETag when it embeds none,
 * otherwise a tag that also changes whenever an embedded record does (so If-None-Match stays truthful).
 * Writes (If-Match) always compare with the record's own ETag.
 */
export function representationEtag(record: { id: string; version: number } & Record<string, unknown>): string {
  const embedded = embeddedVersions(record, [], true);
  if (embedded.length === 0) return etagOf(record);
  const digest = createHash("sha256").update(embedded.join(",")).digest("base64url").slice(0, 16);
  return `"${record.id}.v${record.version}+${digest}"`;
}

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
