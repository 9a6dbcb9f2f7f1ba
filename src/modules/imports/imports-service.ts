import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Language } from "../../lib/i18n.ts";
import { importRows, prepareRows, type RowReport } from "../../lib/imports/import-rows.ts";
import { readTable, type ImportMediaType } from "../../lib/imports/read-file.ts";
import { headerNames, type HeaderKey } from "../../lib/messages/columns.ts";
import { rowIssueMessage, type RowIssue } from "../../lib/messages/imports.ts";
import { notFound } from "../../lib/problem.ts";
import type { RecordService } from "../../lib/record-service.ts";
import type { RequestContext } from "../../lib/request-context.ts";
import type { AnyResource } from "../../lib/resource.ts";
import type { ImportRunDto } from "./imports-schemas.ts";

type RunRow = {
  id: string;
  resource: string;
  dryRun: boolean;
  status: string;
  mediaType: string;
  encoding: string | null;
  rowCount: number;
  summary: unknown;
  report: unknown;
  createdAt: Date;
  finishedAt: Date | null;
};

/** An import run as the API shows it, every message in `language`. */
export function toImportRunRecord(row: RunRow, language: Language): ImportRunDto {
  const report = row.report as RowReport[];
  return {
    id: row.id,
    resource: row.resource,
    dryRun: row.dryRun,
    status: row.status as ImportRunDto["status"],
    mediaType: row.mediaType,
    encoding: row.encoding,
    rowCount: row.rowCount,
    // A run still going (or one its process never finished) has no counts yet: zeros, not a broken record.
    summary: { create: 0, update: 0, unchanged: 0, rejected: 0, ...(row.summary as Partial<ImportRunDto["summary"]>) },
    rows: report.map((entry) => ({
      ...entry,
      ...(entry.errors ? { errors: entry.errors.map((issue: RowIssue) => ({ column: issue.column, rule: issue.rule, message: rowIssueMessage(issue, language) })) } : {}),
    })),
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/**
 * Imports: the file is read and checked as a whole (4xx before anything is recorded), then the run is recorded and its
 * rows go through the record service (lib/imports/), and the run keeps the report.
 */
export function importsService(prisma: PrismaClient) {
  return {
    async run(options: {
      definition: AnyResource;
      service: RecordService;
      bytes: Buffer;
      mediaType: ImportMediaType;
      charset: string | undefined;
      dryRun: boolean;
      context: RequestContext | undefined;
    }): Promise<RunRow> {
      const { definition, dryRun } = options;
      const owner = definition.parent?.key;
      const table = await readTable(options.bytes, options.mediaType, options.charset, owner ? [owner, ...headerNames(owner as HeaderKey)] : []);
      const prepared = prepareRows(definition, definition.import!, table);
      const run = await prisma.importRun.create({
        data: { resource: definition.key, dryRun, status: "running", mediaType: options.mediaType, encoding: table.encoding, rowCount: prepared.rows.length, keyId: options.context?.actor?.keyId ?? null },
      });
      const report = await importRows(prisma, options.service, definition, prepared, { dryRun, keys: definition.import!.keys, context: options.context });
      const tally = (action: RowReport["action"]) => report.filter((entry) => entry.action === action).length;
      const summary = { create: tally("create"), update: tally("update"), unchanged: tally("unchanged"), rejected: tally("rejected") };
      const status = dryRun ? "checked" : summary.rejected > 0 ? "rejected" : "completed";
      return prisma.importRun.update({ where: { id: run.id }, data: { status, summary, report: report as never, finishedAt: new Date() } });
    },

    async get(id: string): Promise<RunRow> {
      const row = await prisma.importRun.findUnique({ where: { id } });
      if (!row) throw notFound("import", id);
      return row;
    },
  };
}
