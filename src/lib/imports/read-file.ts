import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";
import { CSV_MEDIA_TYPE } from "../csv.ts";
import { XLSX_MEDIA_TYPE } from "../exports/writers.ts";
import { problemText, type ImportFileReason } from "../messages/problems.ts";
import { ApiError } from "../problem.ts";

/**
 * An import file as a table of text: its header and its rows, each cell as text (`YYYY-MM-DD` for an XLSX date).
 * CSV in UTF-8 (with or without a BOM) or Windows-1250, which Polish Excel still writes, told apart by whether the
 * bytes are valid UTF-8; XLSX read with exceljs. A file that is not what it says, holds a formula or macros, or
 * is not text in one of those encodings is refused whole (4xx), before any row is looked at.
 */

export type Table = { encoding: string | null; header: string[]; rows: string[][] };

export const IMPORT_MEDIA_TYPES = [CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE] as const;
export type ImportMediaType = (typeof IMPORT_MEDIA_TYPES)[number];

export const badFile = (
  code: "validation_failed" | "unsupported_media_type",
  reason: ImportFileReason,
  extra: { row?: number; column?: string; columns?: string[]; rows?: number[]; limit?: number } = {},
) =>
  new ApiError(code, problemText("importFileRefused", { reason, ...extra }), {
    status: code === "validation_failed" ? 422 : 415,
    extensions: { reason, ...extra },
  });

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 if the bytes are valid UTF-8 (a BOM is dropped), else Windows-1250; UTF-16 and binary are refused. */
function decode(bytes: Buffer, charset: string | undefined): { text: string; encoding: string } {
  if (charset && !["utf-8", "utf8", "windows-1250", "cp1250"].includes(charset)) throw badFile("unsupported_media_type", "encoding");
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.includes(0)) throw badFile("unsupported_media_type", "encoding");
  try {
    const text = UTF8.decode(bytes);
    return { text: text.startsWith("\uFEFF") ? text.slice(1) : text, encoding: "utf-8" };
  } catch {
    // Windows-1250 leaves five bytes undefined (0x81, 0x83, 0x88, 0x90, 0x98): a file with any is in neither encoding.
    if ([0x81, 0x83, 0x88, 0x90, 0x98].some((byte) => bytes.includes(byte))) throw badFile("unsupported_media_type", "encoding");
    return { text: iconv.decode(bytes, "windows-1250"), encoding: "windows-1250" };
  }
}

/** The delimiter of the header line: a semicolon (Polish Excel) when it has more of them than commas. */
function delimiterOf(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  return (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
}

function readCsv(bytes: Buffer, charset: string | undefined): Table {
  const { text, encoding } = decode(bytes, charset);
  let records: string[][];
  try {
    records = parse(text, { delimiter: delimiterOf(text), relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch {
    throw badFile("validation_failed", "notCsv");
  }
  const [header = [], ...rows] = records;
  return { encoding, header, rows };
}

/** A cell's text: dates as `YYYY-MM-DD` (or an instant when it has a time), numbers and booleans as written. */
function cellText(cell: ExcelJS.Cell, row: number, column: string): string {
  const value = cell.value;
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
  }
  if (typeof value === "object") {
    if ("formula" in value || "sharedFormula" in value) throw badFile("validation_failed", "formula", { row, column });
    if ("richText" in value) return value.richText.map((part) => part.text).join("");
    if ("text" in value) return String(value.text);
    return "";
  }
  return String(value);
}

/** The sheet to read: the first whose header row has one of `wanted` (an owned record's sheet names its owner), else the first. */
function pickSheet(workbook: ExcelJS.Workbook, wanted: readonly string[]): ExcelJS.Worksheet | undefined {
  const names = new Set(wanted.map((name) => name.toLowerCase()));
  const hasWanted = (sheet: ExcelJS.Worksheet) =>
    (sheet.getRow(1).values as unknown[]).some((value) => typeof value === "string" && names.has(value.trim().toLowerCase()));
  return (names.size > 0 ? workbook.worksheets.find(hasWanted) : undefined) ?? workbook.worksheets[0];
}

async function readXlsx(bytes: Buffer, wanted: readonly string[]): Promise<Table> {
  // Macros live in xl/vbaProject.bin; a zip's central directory names its files in plain text.
  if (bytes.includes("vbaProject.bin")) throw badFile("unsupported_media_type", "macros");
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as never);
  } catch {
    throw badFile("validation_failed", "notXlsx");
  }
  const sheet = pickSheet(workbook, wanted);
  if (!sheet) return { encoding: null, header: [], rows: [] };
  const width = sheet.columnCount;
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const header = table[0] ?? [];
    table.push(Array.from({ length: width }, (_, i) => cellText(row.getCell(i + 1), number, header[i] ?? String(i + 1))));
  });
  const [header = [], ...rows] = table;
  return { encoding: null, header, rows };
}

/** `wanted`: header names that pick the sheet of a workbook (the owner's id column of an owned record type). */
export async function readTable(bytes: Buffer, mediaType: ImportMediaType, charset: string | undefined, wanted: readonly string[] = []): Promise<Table> {
  return mediaType === XLSX_MEDIA_TYPE ? readXlsx(bytes, wanted) : readCsv(bytes, charset);
}
