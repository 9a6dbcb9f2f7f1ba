import { z } from "zod";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from "../../lib/imports/import-rows.ts";
import { recordMeta, Uuid } from "../../lib/schemas.ts";
import { RESOURCES } from "../resources.ts";

/** The record types a file can hold: those whose definition says how a row names its record (`import`). */
export const IMPORTABLE = RESOURCES.filter((resource) => resource.import !== undefined).map((resource) => resource.key) as [string, ...string[]];

export const ImportQuery = z.strictObject({
  resource: z.enum(IMPORTABLE).meta({ description: "The record type of every row of the file." }),
  dryRun: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true")
    .meta({ description: "`true`: check every row and report what would happen; nothing is written." }),
});

export const ImportBody = z.any().meta({
  type: "string",
  format: "binary",
  maxLength: IMPORT_MAX_BYTES,
  description:
    `The file (at most ${IMPORT_MAX_BYTES} bytes and ${IMPORT_MAX_ROWS} rows under a header row): \`text/csv\` in UTF-8 or Windows-1250 ` +
    "(told apart by the bytes, or by `charset=`), comma- or semicolon-separated; or an XLSX workbook (its first sheet; no macros). " +
    "Headers are the columns of the record type's export, by key or by their English or Polish header; unknown columns are ignored.",
});

const RowIssue = z.object({
  column: z.string().max(100).nullable().meta({ description: "The column's key (`address.city`), or null for the row as a whole." }),
  rule: z.string().max(40).meta({ description: "Stable: invalid, keyMissing, notFound, ambiguousKey, conflict, referenceMissing." }),
  message: z.string().max(2000).meta({ description: "The rule broken, in the request's language." }),
});

const RowReport = z.object({
  row: z.number().int().meta({ format: "int32", description: "The row's number in the file (the header is row 1)." }),
  action: z.enum(["create", "update", "unchanged", "rejected"]),
  id: Uuid.optional().meta({ description: "The record the row created, updated or matched." }),
  errors: z.array(RowIssue).max(100).optional(),
});

const count = z.number().int().min(0).meta({ format: "int32" });

export const ImportRun = z
  .object({
    id: recordMeta.id,
    resource: z.enum(IMPORTABLE),
    dryRun: z.boolean(),
    status: z.enum(["running", "checked", "completed", "rejected"]).meta({
      description: "`checked`: a dry run's report; `completed`: written; `rejected`: rows were rejected and nothing was written.",
    }),
    mediaType: z.string().max(100),
    encoding: z.string().max(20).nullable().meta({ description: "A CSV's encoding as read: utf-8 or windows-1250." }),
    rowCount: count,
    summary: z.object({ create: count, update: count, unchanged: count, rejected: count }),
    rows: z.array(RowReport).max(IMPORT_MAX_ROWS),
    createdAt: recordMeta.createdAt,
    finishedAt: z.string().max(40).nullable().meta({ format: "date-time" }),
  })
  .meta({ id: "ImportRun", description: "An import and its report, row by row." });

export type ImportRunDto = z.output<typeof ImportRun>;
