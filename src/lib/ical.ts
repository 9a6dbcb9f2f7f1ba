import { tzlib_get_ical_block } from "timezones-ical-library";
/**
 * iCalendar (RFC 5545) writing: TEXT escaping, content lines folded at 75 octets, DATE and DATE-TIME values, and
 * the octet bounds a caller needs to declare the size of what it writes. Pure functions; which events and
 * properties there are is the caller's.
 */

/** RFC 5545 §3.1: a content line is at most 75 octets, CRLF excluded; longer lines are folded with CRLF + space. */
export const MAX_LINE_OCTETS = 75;

/** Octets of one code point in UTF-8 (a lone surrogate is written as U+FFFD: 3 octets). */
const utf8Octets = (codePoint: number) => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4);

export const octetLength = (value: string) => Buffer.byteLength(value, "utf8");

/**
 * RFC 5545 §3.3.11 TEXT: backslash, semicolon and comma are escaped, a line break (CRLF, CR or LF) becomes `\n`.
 * Other control characters are not allowed in TEXT and are dropped (tab stays).
 */
export function escapeText(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .replace(/\r\n|[\r\n\\;,]/g, (match) => (match === "\\" ? "\\\\" : match === ";" ? "\\;" : match === "," ? "\\," : "\\n"));
}

/**
 * Folds a content line (without its CRLF) into lines of at most 75 octets: the first holds 75, each continuation
 * a space and 74. Lines break between code points, never inside a multi-byte UTF-8 character.
 */
export function foldLine(line: string): string {
  if (octetLength(line) <= MAX_LINE_OCTETS) return line;
  const lines: string[] = [];
  let current = "";
  let octets = 0;
  let room = MAX_LINE_OCTETS;
  for (const char of line) {
    const size = utf8Octets(char.codePointAt(0)!);
    if (octets + size > room) {
      lines.push(current);
      current = "";
      octets = 0;
      room = MAX_LINE_OCTETS - 1; // the leading space of the continuation line
    }
    current += char;
    octets += size;
  }
  lines.push(current);
  return lines.join("\r\n ");
}

/** `NAME:value`, folded, with its CRLF. The value is written as given: escape TEXT values first. */
export const contentLine = (name: string, value: string) => `${foldLine(`${name}:${value}`)}\r\n`;

/** At most `max` UTF-16 code units, cut with "…" (within the `max`), never between the two halves of a surrogate pair. */
export function cutText(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max - 1;
  if (/[\ud800-\udbff]/.test(value[end - 1] ?? "")) end -= 1;
  return `${value.slice(0, end)}…`;
}

/** iCalendar years have four digits; an instant outside 0000–9999 (reachable only through odd offsets) is clamped. */
const EARLIEST = Date.parse("0000-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");
const clampInstant = (instant: Date) => new Date(Math.min(Math.max(instant.getTime(), EARLIEST), LATEST));

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** `YYYYMMDD` (a DATE value) of the UTC calendar day of `instant`. */
export function icalDate(instant: Date): string {
  const at = clampInstant(instant);
  return `${pad(at.getUTCFullYear(), 4)}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}`;
}

/** `YYYYMMDDTHHMMSSZ` (a DATE-TIME value in UTC). */
export function icalDateTime(instant: Date): string {
  const at = clampInstant(instant);
  return `${icalDate(at)}T${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}Z`;
}

/**
 * Octets a TEXT value of `units` UTF-16 code units can take once escaped: at most 3 a unit (a BMP character such as
 * "…" is 3 octets; an escaped `\,` or `\n` 2; an astral character 4 for its 2 units; a lone surrogate 3).
 */
export const escapedMaxOctets = (units: number) => 3 * units;

/**
 * Octets of a content line of `octets` (CRLF excluded) once folded, CRLF included. Each folded line carries at least
 * 72 octets of the first (75 less a character of up to 4 that did not fit) and 71 of each further one (74 less 3),
 * and each fold adds CRLF + space.
 */
export const foldedMaxOctets = (octets: number) =>
  octets + 2 + (octets > MAX_LINE_OCTETS ? 3 * Math.ceil((octets - (MAX_LINE_OCTETS - 3)) / (MAX_LINE_OCTETS - 4)) : 0);


/** `YYYYMMDDTHHMMSS` (a local DATE-TIME value, to be written with `;TZID=<zone>`): the wall-clock time of `instant` in `timeZone`. */
export function icalLocalDateTime(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(clampInstant(instant));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year").padStart(4, "0")}${part("month")}${part("day")}T${part("hour")}${part("minute")}${part("second")}`;
}

/**
 * The VTIMEZONE component of an IANA zone (its current rules), CRLF-terminated, from timezones-ical-library, which
 * follows the tz database; undefined when it does not know the zone. Its lines are short, but are folded anyway.
 */
export function vtimezone(timeZone: string): string | undefined {
  const block = tzlib_get_ical_block(timeZone);
  if (!Array.isArray(block) || !block[0]?.startsWith("BEGIN:VTIMEZONE")) return undefined;
  return block[0]
    .split(/\r?\n/)
    .filter((line) => line !== "")
    .map((line) => `${foldLine(line)}\r\n`)
    .join("");
}
