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

/** The calendar date (YYYY-MM-DD) an instant falls on in a time zone. */
export function localDateOf(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}
