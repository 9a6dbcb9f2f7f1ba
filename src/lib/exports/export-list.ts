import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { CSV_MEDIA_TYPE, DELIMITERS, type DelimiterName } from "../csv.ts";
import { requestLanguage } from "../i18n.ts";
import { problemText } from "../messages/problems.ts";
import { addVary, preferredMediaType } from "../negotiate.ts";
import { ApiError } from "../problem.ts";
import type { RecordService } from "../record-service.ts";
import type { AnyResource } from "../resource.ts";
import { cellsOf, flatColumns, type Cell, type ExportSpec } from "./columns.ts";
import { XLSX_MEDIA_TYPE, csvStream, xlsxStream, type SheetSource } from "./writers.ts";

/**
 * Every list as a spreadsheet: `GET /v1/<list>` with `Accept: text/csv` or the XLSX media type answers the same
 * filters, sort and search as its JSON, every matching record rather than one page, in columns its definition
 * declares (`export`), headed in the request's language.
 */

/**
 * Rows in one export. A spreadsheet cut short looks complete, so more matches are refused (422 with the count)
 * rather than truncated; 10,000 rows is a decade of any cluster's records and opens in any spreadsheet program.
 */
export const EXPORT_MAX_ROWS = 10_000;

export const EXPORT_MEDIA_TYPES = [CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE] as const;
const OFFERED = ["application/json", ...EXPORT_MEDIA_TYPES] as const;

/** `delimiter=`, which every list takes (its JSON ignores it). */
export const delimiterQuery = z
  .enum(Object.keys(DELIMITERS) as [DelimiterName, ...DelimiterName[]])
  .default("comma")
  .meta({ description: "CSV only: `comma` (RFC 4180, the default) or `semicolon` (what Excel expects with Polish regional settings)." });

/** What the Accept header prefers of JSON, CSV and XLSX (JSON without one). */
export function listFormat(request: FastifyRequest): (typeof OFFERED)[number] {
  return preferredMediaType(request.headers.accept, OFFERED) ?? "application/json";
}

const tooManyRows = (matched: number) =>
  new ApiError("too_many_rows", problemText("exportTooLarge", { matched, limit: EXPORT_MAX_ROWS }), { extensions: { matched, limit: EXPORT_MAX_ROWS } });

/**
 * Sends the export: the matches are counted first and refused (422) past the bound; then rows are read a page at a
 * time and written as they come. Records added between the count and the read that would pass the bound abort the
 * response (the client sees a broken transfer), so a file is never complete-looking but cut short.
 */
export async function sendExport(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { resource: AnyResource; service: RecordService; query: Record<string, unknown>; parentId: string; mediaType: (typeof EXPORT_MEDIA_TYPES)[number] },
) {
  const { resource, service, query, parentId, mediaType } = options;
  const spec: ExportSpec = resource.export;
  const matched = await service.count(query as never, parentId);
  if (matched > EXPORT_MAX_ROWS) throw tooManyRows(matched);

  const language = requestLanguage(request);
  const sheets = spec.sheets ?? [];
  const detailRows: Cell[][][] = sheets.map(() => []);
  const include = Object.assign({}, spec.include, ...sheets.map((sheet) => sheet.include));
  async function* pages(): AsyncGenerator<Cell[][]> {
    let seen = 0;
    for await (const page of service.scan(query as never, parentId, include)) {
      seen += page.length;
      if (seen > EXPORT_MAX_ROWS) throw tooManyRows(seen);
      yield page.map(({ record, row }) => {
        sheets.forEach((sheet, i) => {
          for (const owned of sheet.rows(row as never)) detailRows[i]!.push([{ type: "text", value: record.id }, ...cellsOf(sheet.columns, owned, owned)]);
        });
        return cellsOf(spec.columns, record, row);
      });
    }
  }
  const main: SheetSource = { sheet: "records", columns: flatColumns(spec.columns), rows: pages() };
  const extension = mediaType === CSV_MEDIA_TYPE ? "csv" : "xlsx";
  addVary(reply, "Accept", "Accept-Language");
  reply
    .type(mediaType === CSV_MEDIA_TYPE ? `${CSV_MEDIA_TYPE}; charset=utf-8` : XLSX_MEDIA_TYPE)
    .header("content-language", language)
    .header("content-disposition", `attachment; filename="${resource.path}.${extension}"`);
  if (mediaType === CSV_MEDIA_TYPE) return reply.send(csvStream(main, language, query.delimiter as DelimiterName));
  const details: SheetSource[] = sheets.map((sheet, i) => ({
    sheet: sheet.sheet,
    columns: [...flatColumns([{ key: sheet.parentKey, type: "text" }]), ...flatColumns(sheet.columns)],
    rows: () => detailRows[i]!,
  }));
  return reply.send(xlsxStream([main, ...details], language));
}

/**
 * The longest cell, in characters, of any record: a meeting's agenda (100 items of 1,000) joined with "; ", with
 * room to spare; a CSV field at most doubles it (quotes) plus two.
 */
const CELL_MAX_LENGTH = 110_000;

/** The list's 200 in the OpenAPI document: its JSON page, the CSV and the XLSX. */
export function listResponse(page: z.ZodType, description: string, resource: AnyResource) {
  const flat = flatColumns(resource.export.columns);
  // Every cell at its longest and quoted, the delimiters and CRLF, for the header and every row; the XLSX is zipped XML of the same cells.
  const maxLength = (EXPORT_MAX_ROWS + 1) * (flat.length + 1) * (2 * CELL_MAX_LENGTH + 3);
  const columns = flat
    .map((column) => `\`${column.key}\``)
    .join(", ");
  const sheets = (resource.export.sheets ?? []).map((sheet) => sheet.sheet);
  return {
    description:
      // What an export holds and how it is written is said once, in the document's description (src/plugins/swagger.ts).
      `${description} CSV and XLSX columns: ${columns}.` +
      (sheets.length > 0 ? ` The XLSX has a second sheet (${sheets.join(", ")}) with the owner's id first.` : ""),
    content: {
      "application/json": { schema: page },
      [CSV_MEDIA_TYPE]: { schema: z.string().meta({ maxLength }) },
      [XLSX_MEDIA_TYPE]: { schema: z.string().meta({ format: "binary", maxLength }) },
    },
  };
}
