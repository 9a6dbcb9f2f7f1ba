/**
 * Search keys: lower case, without diacritics, so `q=lodz` finds "Łódź" and `q=spotkanie` finds "Spotkanie".
 * The same function builds the stored `search_text` column and the search terms, so both sides always agree,
 * on PostgreSQL and on PGlite alike; a trigram index (pg_trgm) on the column makes `contains` fast.
 */
const LETTERS_WITHOUT_DECOMPOSITION: Record<string, string> = {
  ł: "l", đ: "d", ø: "o", ß: "ss", æ: "ae", œ: "oe", ħ: "h", ı: "i", þ: "th",
};

export function foldText(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[łđøßæœħıþ]/g, (letter) => LETTERS_WITHOUT_DECOMPOSITION[letter] ?? letter)
    .replace(/\s+/g, " ")
    .trim();
}

/** The stored search key of a record: its searchable fields, folded, joined by spaces. */
export function searchText(...parts: Array<string | null | undefined | readonly string[]>): string {
  return foldText(parts.flat().filter((part): part is string => typeof part === "string" && part !== "").join(" "));
}

/** Words of a `q` parameter, folded; every word must occur in the record. */
export function searchTerms(q: string): string[] {
  return foldText(q).split(" ").filter((term) => term.length > 0).slice(0, 10);
}

/**
 * Prisma passes `contains` (and `equals` with `mode: "insensitive"`, which becomes ILIKE) to PostgreSQL as a LIKE
 * pattern without escaping it, so `%` and `_` in user input would act as wildcards (`q=%` matching everything).
 * This escapes them (and the escape character itself) so that user input is always matched literally.
 */
export const likeLiteral = (value: string): string => value.replace(/[\\%_]/g, "\\$&");

/** The `where` conditions of a `q` search: every word of it must occur in the record's search_text, literally. */
export const searchWhere = (q: string | undefined) =>
  q ? searchTerms(q).map((term) => ({ searchText: { contains: likeLiteral(term) } })) : [];
