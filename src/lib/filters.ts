import { dateOnlyToDb } from "./dates.ts";
import { likeLiteral } from "./search-text.ts";

/** Building blocks of list filters: each returns the conditions (none when the query leaves the filter out). */

/** `{ field: value }` for each of `fields` the query gives, matched exactly. */
export const equalTo = <Q extends object>(query: Q, fields: ReadonlyArray<keyof Q & string>): object[] =>
  fields.filter((field) => query[field] !== undefined).map((field) => ({ [field]: query[field] }));

/** A date column between `<from>` and `<to>` (YYYY-MM-DD, both inclusive, either open). */
export const dateRange = (column: string, from: string | undefined, to: string | undefined): object[] => [
  ...(from ? [{ [column]: { gte: dateOnlyToDb(from) } }] : []),
  ...(to ? [{ [column]: { lte: dateOnlyToDb(to) } }] : []),
];

/** A text column equal to `value`, ignoring case (`city=gdańsk`); matched literally, `%` and `_` included. */
export const equalIgnoringCase = (column: string, value: string | undefined): object[] =>
  value ? [{ [column]: { equals: likeLiteral(value), mode: "insensitive" } }] : [];
