/** Dates without time (`YYYY-MM-DD`) are stored as PostgreSQL `date`, which Prisma hands over as UTC midnight. */
export const dateOnlyToDb = (value: string): Date => new Date(`${value}T00:00:00.000Z`);
export const dateOnlyFromDb = (value: Date): string => value.toISOString().slice(0, 10);

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
