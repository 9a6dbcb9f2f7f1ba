import { PassThrough, Readable } from "node:stream";
import ExcelJS from "exceljs";
import { BOM, DELIMITERS, csvRecord, type DelimiterName } from "../csv.ts";
import type { Language } from "../i18n.ts";
import { sheetName, type SheetKey } from "../messages/columns.ts";
import { cellText, guardFormula, type Cell, type FlatColumn } from "./columns.ts";

/**
 * The two file formats of an export, each written as the rows arrive (a page of the list at a time): CSV (RFC 4180,
 * lib/csv.ts) and XLSX (exceljs' streaming writer, which keeps only the current row in memory).
 */

export const XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** A sheet's rows as they come: arrays of cells in the order of its columns. */
export type SheetSource = { sheet: SheetKey; columns: readonly FlatColumn[]; rows: AsyncIterable<Cell[][]> | (() => Iterable<Cell[]>) };

/** The CSV of the first sheet (a CSV has one table): BOM, the header row, then a record per row, CRLF after each. */
export function csvStream(source: SheetSource, language: Language, delimiterName: DelimiterName): Readable {
  const delimiter = DELIMITERS[delimiterName];
  async function* lines() {
    yield BOM + csvRecord(source.columns.map((column) => column.header(language)), delimiter);
    for await (const page of source.rows as AsyncIterable<Cell[][]>) {
      yield page.map((cells) => csvRecord(cells.map(cellText), delimiter)).join("");
    }
  }
  return Readable.from(lines(), { objectMode: false });
}

/** Widths (in characters) that fit what a type holds: a date, an instant, a UUID, an amount; text gets room to read. */
function widthOf(column: FlatColumn, language: Language): number {
  const header = column.header(language).length + 2;
  const byType = { date: 12, datetime: 22, number: 14, boolean: 10, text: /(^id$|Id$)/.test(column.key) ? 38 : 30 }[column.type];
  return Math.min(60, Math.max(header, byType));
}

const NUMBER_FORMATS: Partial<Record<FlatColumn["type"], string>> = { date: "yyyy-mm-dd", datetime: "yyyy-mm-dd hh:mm:ss" };

/** An XLSX cell value: dates as dates, numbers as numbers, text guarded against formulas, empty as nothing. */
function xlsxValue(cell: Cell): ExcelJS.CellValue {
  if (cell.value === null) return null;
  return cell.type === "text" ? guardFormula(cell.value) : cell.value;
}

/**
 * The workbook: one worksheet per source, each with a frozen bold header row and widths by column type. Sheets are
 * written one after the other (the streaming writer cannot go back), so a later sheet's rows are read when its turn
 * comes (`rows` as a function).
 */
export function xlsxStream(sources: readonly SheetSource[], language: Language): Readable {
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  (async () => {
    for (const source of sources) {
      const sheet = workbook.addWorksheet(sheetName(source.sheet, language), { views: [{ state: "frozen", ySplit: 1 }] });
      sheet.columns = source.columns.map((column) => ({
        key: column.key,
        width: widthOf(column, language),
        style: NUMBER_FORMATS[column.type] ? { numFmt: NUMBER_FORMATS[column.type] } : column.money === "amount" ? { numFmt: "#,##0.00" } : {},
      }));
      const header = sheet.addRow(source.columns.map((column) => column.header(language)));
      header.font = { bold: true };
      header.commit();
      const write = (cells: Cell[]) => sheet.addRow(cells.map(xlsxValue)).commit();
      if (typeof source.rows === "function") for (const cells of source.rows()) write(cells);
      else for await (const page of source.rows) for (const cells of page) write(cells);
      sheet.commit();
    }
    await workbook.commit();
  })().catch((error: unknown) => output.destroy(error as Error));
  return output;
}
