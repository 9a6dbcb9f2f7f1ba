import type { Language } from "../i18n.ts";
import { columnHeader, currencyHeader, type HeaderKey, type SheetKey } from "../messages/columns.ts";

/**
 * What a record type exports (and imports): its columns, declared once on its definition (lib/resource.ts
 * `export`). A column's key is stable and, for plain columns, the path of the field in the record and in its create
 * body (`address.city`); its header comes from the catalogue (lib/messages/columns.ts) in the request's language.
 */

/** `money` is `{ amount, currency }`: two cells, the amount as a number and the currency in a column of its own. */
export type CellType = "text" | "date" | "datetime" | "number" | "money" | "boolean";

export type ExportColumn = {
  key: HeaderKey;
  type: CellType;
  /** The value, when it is not simply the record's field at `key` (a list joined, a count): export only. */
  value?: (record: never, row: never) => unknown;
};

/** A second sheet of the XLSX: records each row owns (an application's status history), with the owner's id first. */
export type ExportSheet = {
  sheet: SheetKey;
  /** The owner's id column (`grantApplicationId`). */
  parentKey: HeaderKey;
  /** The Prisma include that loads the owned rows with each row. */
  include: object;
  /** The owned records of a row, as their columns read them. */
  rows: (row: never) => object[];
  columns: readonly ExportColumn[];
};

export type ExportSpec = {
  columns: readonly ExportColumn[];
  /** What else a row is loaded with for the export (beyond the definition's rowInclude). */
  include?: object;
  sheets?: readonly ExportSheet[];
};

/** One cell: a typed value (dates as Date, numbers as number) or null. `decimal` keeps a money amount's exact text. */
export type Cell =
  | { type: "text"; value: string | null }
  | { type: "date" | "datetime"; value: Date | null; text: string | null }
  | { type: "number"; value: number | null; decimal?: string }
  | { type: "boolean"; value: boolean | null };

/** A column as it lands in the file: money spreads over two. */
export type FlatColumn = { key: string; header: (language: Language) => string; type: Exclude<CellType, "money">; money?: "amount" | "currency" };

export function flatColumns(columns: readonly ExportColumn[]): FlatColumn[] {
  return columns.flatMap((column): FlatColumn[] =>
    column.type === "money"
      ? [
          { key: `${column.key}.amount`, header: (language) => columnHeader(column.key, language), type: "number", money: "amount" },
          { key: `${column.key}.currency`, header: (language) => currencyHeader(column.key, language), type: "text", money: "currency" },
        ]
      : [{ key: column.key, header: (language) => columnHeader(column.key, language), type: column.type }],
  );
}

/** The value at a dotted path (`address.city`), undefined when a step is missing. */
export function valueAt(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const step of path.split(".")) {
    if (value === null || value === undefined || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

const textOf = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.length === 0 ? null : value.map(String).join("; ");
  return String(value);
};

function cell(type: FlatColumn["type"], value: unknown): Cell {
  const present = value !== null && value !== undefined && value !== "";
  switch (type) {
    case "date":
    case "datetime": {
      const text = present ? String(value) : null;
      return { type, value: text === null ? null : new Date(type === "date" ? `${text}T00:00:00Z` : text), text };
    }
    case "number":
      if (!present) return { type, value: null };
      return typeof value === "string" ? { type, value: Number(value), decimal: value } : { type, value: Number(value) };
    case "boolean":
      return { type, value: present ? Boolean(value) : null };
    default:
      return { type: "text", value: textOf(value) };
  }
}

/** The cells of one record, in the order of `flatColumns(columns)`. */
export function cellsOf(columns: readonly ExportColumn[], record: object, row: object): Cell[] {
  return columns.flatMap((column) => {
    const value = column.value ? column.value(record as never, row as never) : valueAt(record, column.key);
    if (column.type !== "money") return [cell(column.type, value)];
    const money = value as { amount: string; currency: string } | null | undefined;
    return [cell("number", money?.amount), cell("text", money?.currency)];
  });
}

/**
 * OWASP "CSV Injection": a spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a formula (TAB and CR
 * too, in some programs), so such a text cell gets a leading `'`, in CSV and XLSX alike; an import takes it off again.
 */
export const FORMULA_START = /^[=+\-@\t\r]/;
export const guardFormula = (text: string) => (FORMULA_START.test(text) ? `'${text}` : text);

/** A cell as CSV text (before quoting): dates `YYYY-MM-DD`, instants RFC 3339, amounts exactly as stored. */
export function cellText(cell: Cell): string | null {
  if (cell.value === null) return null;
  switch (cell.type) {
    case "date":
    case "datetime":
      return cell.text;
    case "number":
      return cell.decimal ?? String(cell.value);
    case "boolean":
      return cell.value ? "true" : "false";
    default:
      return guardFormula(cell.value);
  }
}

/** Columns of one type, each the record's field at its key: `columnsOf("date", "startDate", "endDate")`. */
export const columnsOf = (type: CellType, ...keys: HeaderKey[]): ExportColumn[] => keys.map((key) => ({ key, type }));

/** What every record ends with: its version and when it was created and last changed. */
export const META_COLUMNS: readonly ExportColumn[] = [{ key: "version", type: "number" }, ...columnsOf("datetime", "createdAt", "updatedAt")];
