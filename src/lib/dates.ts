/** Dates without time (`YYYY-MM-DD`) are stored as PostgreSQL `date`, which Prisma hands over as UTC midnight. */
export const dateOnlyToDb = (value: string): Date => new Date(`${value}T00:00:00.000Z`);
export const dateOnlyFromDb = (value: Date): string => value.toISOString().slice(0, 10);

export const optionalDateToDb = (value: string | null | undefined) => (value == null ? null : dateOnlyToDb(value));
export const optionalDateFromDb = (value: Date | null) => (value === null ? null : dateOnlyFromDb(value));
