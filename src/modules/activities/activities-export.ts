import { z } from "zod";
import { problemText } from "../../lib/messages/problems.ts";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { DELIMITERS, csvDocument, csvRecord, quotedMaxLength, type DelimiterName } from "../../lib/csv.ts";
import { optionalDateFromDb } from "../../lib/dates.ts";
import { ApiError } from "../../lib/problem.ts";
import { searchWhere } from "../../lib/search-text.ts";
import { Cluster } from "../clusters/clusters-schemas.ts";
import { Coordinator } from "../coordinators/coordinators-schemas.ts";
import { activityWhere, type ActivityFilters } from "./activities-resource.ts";
import { ActivityCategory, ActivityPatch, ActivityStatus, activitySchemas } from "./activities-schemas.ts";

/**
 * The activity log as a spreadsheet (CSV, written by lib/csv.ts) for the regional office: its columns, the query
 * behind its rows, and the size bound the OpenAPI document declares for the body.
 */

/**
 * Rows in one export. A spreadsheet cut short looks complete, so more matches are refused (422 with the count)
 * rather than truncated; 10,000 rows is a decade of any cluster's log and opens in any spreadsheet program.
 */
export const EXPORT_MAX_ROWS = 10_000;

/** One activity as a spreadsheet row: its fields, the names of its coordinator and cluster, and what links to it. */
export type ExportRow = {
  id: string;
  year: number;
  title: string;
  category: string;
  status: string;
  startDate: string | null;
  endDate: string | null;
  coordinatorId: string;
  coordinatorName: string;
  clusterId: string | null;
  clusterName: string | null;
  meetings: number;
  grantApplications: number;
  publications: number;
  mediaPartners: number;
  description: string | null;
};

/** The columns, in their stable order; the header row is these names. */
export const EXPORT_COLUMNS = [
  "id",
  "year",
  "title",
  "category",
  "status",
  "startDate",
  "endDate",
  "coordinatorId",
  "coordinatorName",
  "clusterId",
  "clusterName",
  "meetings",
  "grantApplications",
  "publications",
  "mediaPartners",
  "description",
] as const satisfies ReadonlyArray<keyof ExportRow>;

const fieldsOf = (row: ExportRow) => EXPORT_COLUMNS.map((column) => row[column]);

export const renderRow = (row: ExportRow, delimiter: string) => csvRecord(fieldsOf(row), delimiter);

/** The whole file: the BOM, the header row, one row per activity; every line ends with CRLF. */
export const renderCsv = (rows: readonly ExportRow[], delimiterName: DelimiterName = "comma"): string =>
  csvDocument(EXPORT_COLUMNS, rows.map(fieldsOf), delimiterName);

// ---------------------------------------------------------------------------------------------------------------
// The rows

/** What a row needs, in one query: the names of the coordinator and cluster, and counts of what links to it. */
const EXPORT_SELECT = {
  id: true,
  year: true,
  title: true,
  category: true,
  status: true,
  startDate: true,
  endDate: true,
  coordinatorId: true,
  clusterId: true,
  description: true,
  coordinator: { select: { name: true } },
  cluster: { select: { name: true } },
  _count: { select: { meetings: true, grantApplications: true, publications: true, mediaPartners: true } },
} as const satisfies Prisma.ActivitySelect;

/** The list's default order (`sort=year,startDate`, then id), activities without a start date last in their year. */
const EXPORT_ORDER = [{ year: "asc" }, { startDate: { sort: "asc", nulls: "last" } }, { id: "asc" }] as const satisfies Prisma.ActivityOrderByWithRelationInput[];

/** An export is never cut short: past the cap it is refused, with the count, so the client narrows its filters. */
const tooManyRows = (matched: number) =>
  new ApiError("too_many_rows", problemText("exportTooLarge", { matched, limit: EXPORT_MAX_ROWS }), { extensions: { matched, limit: EXPORT_MAX_ROWS } });

/** Every activity the filters match, in the list's order: counted first, and refused (422) beyond EXPORT_MAX_ROWS rather than cut short. */
export async function exportRows(prisma: PrismaClient, query: ActivityFilters & { q?: string }): Promise<ExportRow[]> {
  const where = { AND: [...searchWhere(query.q), ...activityWhere(query)] };
  const matched = await prisma.activity.count({ where });
  if (matched > EXPORT_MAX_ROWS) throw tooManyRows(matched);
  // One more than the cap: activities added between the count and this read are caught too.
  const rows = await prisma.activity.findMany({ where, select: EXPORT_SELECT, orderBy: [...EXPORT_ORDER], take: EXPORT_MAX_ROWS + 1 });
  if (rows.length > EXPORT_MAX_ROWS) throw tooManyRows(await prisma.activity.count({ where }));
  return rows.map(({ coordinator, cluster, _count, startDate, endDate, ...row }) => ({
    ...row,
    startDate: optionalDateFromDb(startDate),
    endDate: optionalDateFromDb(endDate),
    coordinatorName: coordinator.name,
    clusterName: cluster?.name ?? null,
    ..._count,
  }));
}

/** `activities.csv`, or `activities-2013.csv` for one year. */
export const exportFileName = (year?: number) => (year === undefined ? "activities.csv" : `activities-${year}.csv`);

// ---------------------------------------------------------------------------------------------------------------
// The size bound (OpenAPI maxLength of the body, in UTF-16 code units, so also in characters)

/** The input limit of a text field, read from its schema, so that the bound follows the schemas. */
function maxLengthOf(schema: z.ZodType): number {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType;
  if (!(inner instanceof z.ZodString) || inner.maxLength === null) throw new Error("activities-export: a text field without a maxLength");
  return inner.maxLength;
}

/** The limits of the text columns: the activity's own (ActivityCreate), the coordinator's and the cluster's name. */
export const TEXT_LIMITS = {
  title: maxLengthOf(ActivityPatch.shape.title),
  description: maxLengthOf(ActivityPatch.shape.description),
  coordinatorName: maxLengthOf(Coordinator.shape.name),
  clusterName: maxLengthOf(Cluster.shape.name),
} as const;

/** "-2147483648": the longest number an integer column can hold (the year; counts are never negative). */
const INT32_DIGITS_MAX = 11;
const UUID_LENGTH = 36;
const DATE_LENGTH = "YYYY-MM-DD".length;
const longest = (values: readonly string[]) => Math.max(...values.map((value) => value.length));

const COLUMN_MAX_LENGTH: Record<(typeof EXPORT_COLUMNS)[number], number> = {
  id: UUID_LENGTH,
  year: INT32_DIGITS_MAX,
  title: quotedMaxLength(TEXT_LIMITS.title),
  category: longest(ActivityCategory.options),
  status: longest(ActivityStatus.options),
  startDate: DATE_LENGTH,
  endDate: DATE_LENGTH,
  coordinatorId: UUID_LENGTH,
  coordinatorName: quotedMaxLength(TEXT_LIMITS.coordinatorName),
  clusterId: UUID_LENGTH,
  clusterName: quotedMaxLength(TEXT_LIMITS.clusterName),
  meetings: INT32_DIGITS_MAX - 1,
  grantApplications: INT32_DIGITS_MAX - 1,
  publications: INT32_DIGITS_MAX - 1,
  mediaPartners: INT32_DIGITS_MAX - 1,
  description: quotedMaxLength(TEXT_LIMITS.description),
};

/** The longest row: every column at its longest, the delimiters between them, CRLF. */
export const ROW_MAX_LENGTH =
  EXPORT_COLUMNS.reduce((sum, column) => sum + COLUMN_MAX_LENGTH[column], 0) + (EXPORT_COLUMNS.length - 1) + "\r\n".length;

/** The longest file: BOM, header row and EXPORT_MAX_ROWS of the longest rows. */
export const CSV_MAX_LENGTH = renderCsv([]).length + EXPORT_MAX_ROWS * ROW_MAX_LENGTH;

// ---------------------------------------------------------------------------------------------------------------
// HTTP shapes

/** The list's filters, the same field definitions (GET /v1/activities), with no paging: the export is every match. */
const listFilters = activitySchemas.listQuery.pick({
  q: true,
  year: true,
  category: true,
  status: true,
  coordinatorId: true,
  clusterId: true,
  startDateFrom: true,
  startDateTo: true,
}).shape;

export const ActivityExportQuery = z.strictObject({
  ...listFilters,
  delimiter: z
    .enum(Object.keys(DELIMITERS) as [DelimiterName, ...DelimiterName[]])
    .default("comma")
    .meta({ description: "Field separator: `comma` (RFC 4180, the default) or `semicolon` (what Excel expects with Polish regional settings)." }),
});

export type ActivityExportQueryInput = z.output<typeof ActivityExportQuery>;

/** The demo data's strategy work, as the export writes it. */
const EXAMPLE_CSV = renderCsv([
  {
    id: "0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0e",
    year: 2013,
    title: "Rozpoczęto i zakończono prace nad Strategią dla Klastra",
    category: "strategy",
    status: "completed",
    startDate: "2013-05-10",
    endDate: "2013-09-20",
    coordinatorId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
    coordinatorName: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.",
    clusterId: "0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d",
    clusterName: "Klaster LTPP",
    meetings: 3,
    grantApplications: 0,
    publications: 0,
    mediaPartners: 0,
    description: "Trzy spotkania strategiczne: 10 maja, 19 czerwca i 20 września 2013; analiza PEST, warsztat symulacyjny, propozycje projektów.",
  },
]);

/** The frame of every body: the BOM, the header row with either delimiter, then CRLF-terminated records. */
export const CSV_PATTERN = `^\\uFEFF${EXPORT_COLUMNS.join("[,;]")}\\r\\n(?:[\\s\\S]*\\r\\n)?$`;

export const ActivityCsv = z
  .string()
  .max(CSV_MAX_LENGTH)
  .meta({
    pattern: CSV_PATTERN,
    description:
      `CSV (RFC 4180), UTF-8 with a byte order mark, CRLF line ends: a header row (${EXPORT_COLUMNS.join(", ")}), then one row per ` +
      `activity, at most ${EXPORT_MAX_ROWS}. A field holding the delimiter, a quote or a line break is quoted (quotes doubled); a text ` +
      "starting with `=`, `+`, `-`, `@`, TAB or CR is prefixed with `'` so that no spreadsheet runs it as a formula. An empty field is a null value. " +
      `The bound: the longest row is ${ROW_MAX_LENGTH} characters (every text at its limit and made of quotes).`,
    example: EXAMPLE_CSV,
  });
