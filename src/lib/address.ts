/** A postal address as the records store it (four nullable columns) and as the API shows it (null when no city). */

type AddressColumns = { street: string | null; postalCode: string | null; city: string | null; country: string | null };

export const addressFromColumns = (row: AddressColumns) =>
  row.city === null ? null : { street: row.street, postalCode: row.postalCode, city: row.city, country: row.country ?? "PL" };

export const addressColumns = (address: { street?: string | null; postalCode?: string | null; city: string; country: string } | null | undefined) => ({
  street: address?.street ?? null,
  postalCode: address?.postalCode ?? null,
  city: address?.city ?? null,
  country: address ? address.country : null,
});
