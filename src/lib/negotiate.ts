/**
 * Proactive content negotiation (RFC 9110 §12.5.1): the offered media type the Accept header prefers. Each offered
 * type takes the q of the most specific range that matches it (`text/html` over `text/*` over `*\/*`); the highest q
 * wins, and of equal q the one offered first. No Accept header means the first offered.
 */

const ACCEPT_MAX_LENGTH = 2000;

type Range = { type: string; subtype: string; q: number };

function parseAccept(header: string): Range[] {
  return header.split(",").flatMap((part) => {
    const [mediaRange = "", ...parameters] = part.split(";").map((piece) => piece.trim().toLowerCase());
    const [type, subtype] = mediaRange.split("/");
    if (!type || !subtype) return [];
    const qParameter = parameters.find((parameter) => parameter.startsWith("q="));
    const q = qParameter === undefined ? 1 : Number(qParameter.slice(2));
    return Number.isFinite(q) && q >= 0 && q <= 1 ? [{ type, subtype, q }] : [];
  });
}

/** How specific a range is for `mediaType` (3 exact, 2 `type/*`, 1 `*\/*`), or 0 when it does not match. */
function specificity(range: Range, mediaType: string): number {
  const [type, subtype] = mediaType.split("/");
  if (range.type === type && range.subtype === subtype) return 3;
  if (range.type === type && range.subtype === "*") return 2;
  if (range.type === "*" && range.subtype === "*") return 1;
  return 0;
}

export function preferredMediaType<T extends string>(header: string | undefined, offered: readonly [T, ...T[]]): T | undefined {
  if (!header || header.trim() === "") return offered[0];
  if (header.length > ACCEPT_MAX_LENGTH) return offered[0];
  const ranges = parseAccept(header);
  let best: { type: T; q: number } | undefined;
  for (const type of offered) {
    let match: { specificity: number; q: number } | undefined;
    for (const range of ranges) {
      const s = specificity(range, type);
      if (s > 0 && (!match || s > match.specificity)) match = { specificity: s, q: range.q };
    }
    // A structured-syntax suffix such as application/problem+json counts as JSON for a JSON offer.
    if (!match && type === "application/json" && ranges.some((range) => range.type === "application" && range.subtype.endsWith("+json"))) {
      match = { specificity: 1, q: 1 };
    }
    if (match && match.q > 0 && (!best || match.q > best.q)) best = { type, q: match.q };
  }
  return best?.type;
}

/** Adds header names to the response's Vary, keeping those already there (CORS sets `Origin`). */
export function addVary(reply: { getHeader(name: string): unknown; header(name: string, value: string): unknown }, ...names: string[]): void {
  const current = reply.getHeader("vary");
  const present = (typeof current === "string" ? current.split(",") : []).map((name) => name.trim()).filter(Boolean);
  const missing = names.filter((name) => !present.some((existing) => existing.toLowerCase() === name.toLowerCase()));
  if (missing.length > 0) reply.header("vary", [...present, ...missing].join(", "));
}
