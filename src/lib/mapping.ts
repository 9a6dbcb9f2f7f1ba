import type { LegalForm } from "../generated/prisma/enums.ts";
import { isoInstant } from "./dates.ts";

/** Pieces of the row <-> record mapping that several record types share (each module's mapper uses them). */

type Merged<M extends readonly object[]> = M extends readonly [infer Head, ...infer Tail extends object[]] ? Head & Merged<Tail> : unknown;

/**
 * A record from its row: what every record carries (recordMetaOf), the members of `row` named in `keys` as they are,
 * then the members of each of `more`, in this order. Built by assignment, not by spreading objects into a literal:
 * on Node 20's V8 `{ ...a, ...b }` costs about 10 µs per record, more than the rest of a list's per-row work, where
 * assignment costs about 1 µs (measured: bench/RESULTS.md, "Where the time goes").
 */
export function recordOf<R extends RecordMetaColumns, K extends keyof R, M extends object[]>(row: R, keys: readonly K[], ...more: M) {
  const record: Record<string, unknown> = recordMetaOf(row);
  for (const key of keys) record[key as string] = row[key];
  for (const members of more) Object.assign(record, members);
  return record as ReturnType<typeof recordMetaOf> & Pick<R, K> & Merged<M>;
}

type RecordMetaColumns = { id: string; version: number; createdAt: Date; updatedAt: Date };

/** What every record carries: its id, its version, and when it was created and last changed (UTC). */
export const recordMetaOf = (row: RecordMetaColumns) => ({
  id: row.id,
  version: row.version,
  createdAt: isoInstant(row.createdAt),
  updatedAt: isoInstant(row.updatedAt),
});

type AddressColumns = { street: string | null; postalCode: string | null; city: string | null; country: string | null };
type AddressInput = { street?: string | null; postalCode?: string | null; city: string; country: string };

/** A postal address as the records store it (four nullable columns) and as the API shows it (null when no city). */
export const addressFromColumns = (row: AddressColumns) =>
  row.city === null ? null : { street: row.street, postalCode: row.postalCode, city: row.city, country: row.country ?? "PL" };

export const addressColumns = (address: AddressInput | null | undefined) => ({
  street: address?.street ?? null,
  postalCode: address?.postalCode ?? null,
  city: address?.city ?? null,
  country: address ? address.country : null,
});

type LegalEntityColumns = AddressColumns & {
  legalForm: LegalForm | null;
  krs: string | null;
  nip: string | null;
  regon: string | null;
  website: string | null;
  email: string | null;
  phone: string | null;
};
type LegalEntityInput = Partial<Record<"krs" | "nip" | "regon" | "website" | "email" | "phone", string | null>> & {
  legalForm?: LegalForm | null;
  address?: AddressInput | null;
};

/** A legal entity's (a coordinator's, an organization's) legal form, registry ids, address and contacts. */
export const legalEntityFromColumns = (row: LegalEntityColumns) => ({
  legalForm: row.legalForm,
  krs: row.krs,
  nip: row.nip,
  regon: row.regon,
  address: addressFromColumns(row),
  website: row.website,
  email: row.email,
  phone: row.phone,
});

export const legalEntityColumns = (input: LegalEntityInput) => ({
  legalForm: input.legalForm ?? null,
  krs: input.krs ?? null,
  nip: input.nip ?? null,
  regon: input.regon ?? null,
  ...addressColumns(input.address),
  website: input.website ?? null,
  email: input.email ?? null,
  phone: input.phone ?? null,
});

/** The members of `row` named in `keys`, as they are: the columns a record shows unchanged. */
export const pick = <T extends object, K extends keyof T>(row: T, ...keys: K[]): Pick<T, K> => {
  const picked = {} as Pick<T, K>;
  for (const key of keys) picked[key] = row[key];
  return picked;
};

/** The members of `input` named in `keys`, null where the input leaves one out: optional fields into nullable columns. */
export const orNull = <T extends object, K extends keyof T>(input: T, ...keys: K[]) => {
  const members = {} as Record<K, unknown>;
  for (const key of keys) members[key] = input[key] ?? null;
  return members as { [P in K]-?: Exclude<T[P], undefined> | null };
};

/** `record` without the members named in `fields`. */
export const omit = (record: object, fields: readonly string[]) => {
  const kept: Record<string, unknown> = {};
  for (const field of Object.keys(record)) if (!fields.includes(field)) kept[field] = (record as Record<string, unknown>)[field];
  return kept;
};
