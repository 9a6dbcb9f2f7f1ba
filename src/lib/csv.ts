/**
 * CSV (RFC 4180) for spreadsheets: fields and records, the byte order mark Excel needs, the delimiter Polish Excel
 * expects, and the guard against formula injection. Pure functions; what the columns are is the caller's.
 */

export const CSV_MEDIA_TYPE = "text/csv";

/** Excel reads a UTF-8 file as the local code page (cp1250: "Łódź" turns into mojibake) unless it starts with a BOM. */
export const BOM = "\uFEFF";

/** `delimiter=semicolon` for Excel with Polish regional settings, where the comma is the decimal separator. */
export const DELIMITERS = { comma: ",", semicolon: ";" } as const;
export type DelimiterName = keyof typeof DELIMITERS;

/**
 * OWASP "CSV Injection": a spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a formula (TAB and CR
 * too, in some programs), so such a text cell gets a leading `'`, which shows the text as it is.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180 §2: a field holding the delimiter, a quote, CR or LF is quoted, and its quotes are doubled. */
export function csvField(value: string | number | null, delimiter: string): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record with its CRLF. */
export const csvRecord = (fields: ReadonlyArray<string | number | null>, delimiter: string) =>
  `${fields.map((field) => csvField(field, delimiter)).join(delimiter)}\r\n`;

/** A whole file: the BOM, the header record, then the records; every line ends with CRLF. */
export function csvDocument(header: readonly string[], records: ReadonlyArray<ReadonlyArray<string | number | null>>, delimiterName: DelimiterName = "comma") {
  const delimiter = DELIMITERS[delimiterName];
  return BOM + csvRecord(header, delimiter) + records.map((fields) => csvRecord(fields, delimiter)).join("");
}

/**
 * A text field of `units` code units at its longest: every unit a quote (doubled) plus the two enclosing quotes.
 * The `'` prefix does not add to that: it comes only before a first character that is not a quote.
 */
export const quotedMaxLength = (units: number) => 2 * units + 2;
