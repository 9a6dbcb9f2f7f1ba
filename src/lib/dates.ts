/** Dates without time (`YYYY-MM-DD`) are stored as PostgreSQL `date`, which Prisma hands over as UTC midnight. */
export const dateOnlyToDb = (value: string): Date => new Date(`${value}T00:00:00.000Z`);
export const dateOnlyFromDb = (value: Date): string => isoInstant(value).slice(0, 10);

const DAY_MS = 86_400_000;
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `date.toISOString()`, the same text, computed from the milliseconds (the civil date by Howard Hinnant's
 * days_from_civil inverse). Node 20's toISOString takes about 460 ns, this about 170: a record carries two or
 * three instants, and they were most of the mapping of a page of records (bench/RESULTS.md). Years outside
 * 0000-9999, which toISOString writes with a sign and six digits, are left to it.
 */
export function isoInstant(date: Date): string {
  const time = date.getTime();
  const days = Math.floor(time / DAY_MS);
  let ms = time - days * DAY_MS;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (!(year >= 0 && year <= 9999)) return date.toISOString(); // also an invalid date, which throws there
  const hours = Math.floor(ms / 3_600_000);
  ms -= hours * 3_600_000;
  const minutes = Math.floor(ms / 60_000);
  ms -= minutes * 60_000;
  const seconds = Math.floor(ms / 1000);
  ms -= seconds * 1000;
  const yyyy = year < 1000 ? String(year).padStart(4, "0") : String(year);
  return `${yyyy}-${pad2(month)}-${pad2(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(ms)}Z`;
}

export const optionalDateToDb = (value: string | null | undefined) => (value == null ? null : dateOnlyToDb(value));
export const optionalDateFromDb = (value: Date | null) => (value === null ? null : dateOnlyFromDb(value));

/** The IANA name Intl knows the zone by ("europe/warsaw" -> "Europe/Warsaw"), or undefined when it knows none. */
export function canonicalTimeZone(name: string): string | undefined {
  // Intl also takes offsets such as "+02:00" on newer runtimes; those are not IANA names and lose DST rules.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * The calendar date (YYYY-MM-DD) an instant falls on in a time zone. Intl writes the year without leading zeros
 * (`491`) and counts years before the common era as `1 BC`: the year is padded to four digits, and a date before
 * 0001-01-01 comes out with a minus sign (`-0001-12-31`), which no YYYY-MM-DD check takes.
 */
export function localDateOf(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, era: "short", year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const year = part("year").padStart(4, "0");
  return `${part("era") === "BC" ? "-" : ""}${year}-${part("month")}-${part("day")}`;
}
