import { createHash } from "node:crypto";
import { ApiError } from "./problem.ts";
import { problemText } from "./messages/problems.ts";

/** Strong entity tag of one version of one record. */
export const etagOf = (record: { id: string; version: number }) => `"${record.id}.v${record.version}"`;

/**
 * The ETag of a representation. A record's own fields give its plain ETag ("<id>.v<version>"). A representation
 * with more in it — relations embedded with `include=`, or fields derived from other records (an activity's
 * meetingIds) — gets "<id>.v<version>+<digest of the body>", which changes whenever any of that does, so
 * If-None-Match never answers 304 to a changed body. If-Match accepts either form of the current version.
 */
export function representationEtag(record: { id: string; version: number }, include: readonly string[] = [], derived = false): string {
  if (include.length === 0 && !derived) return etagOf(record);
  const digest = createHash("sha256").update(JSON.stringify({ include, record })).digest("base64url").slice(0, 16);
  return `"${record.id}.v${record.version}+${digest}"`;
}

/**
 * The ETag of a computed document that is no record (a report, a calendar): `"<kind>-<digest of its text>"`, so it
 * changes exactly when the text does.
 */
export const contentEtag = (kind: string, text: string): string =>
  `"${kind}-${createHash("sha256").update(text, "utf8").digest("base64url").slice(0, 22)}"`;

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
    throw new ApiError("precondition_required", problemText("preconditionRequired"));
  }
  return header;
}

/** Whether `header` (If-Match) names this version of this record, in either form of its ETag ("*" names none). */
export function namesVersion(header: string, record: { id: string; version: number }): boolean {
  const etag = etagOf(record);
  const representationPrefix = `${etag.slice(0, -1)}+`;
  return parseEntityTags(header).some((tag) => tag === etag || (tag.startsWith(representationPrefix) && tag.endsWith('"')));
}

/** Throws 412 with the current version unless `header` names the record's current ETag (or is "*"). */
export function assertIfMatch(header: string, current: { id: string; version: number }): void {
  if (namesVersion(header, current) || parseEntityTags(header).includes("*")) return;
  const etag = etagOf(current);
  throw new ApiError("version_mismatch", problemText("versionMismatch", { version: current.version, etag }), {
    extensions: { currentVersion: current.version, currentEtag: etag },
  });
}
