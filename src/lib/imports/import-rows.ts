import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { withRequestHooks } from "../../db/transactions.ts";
import { dateOnlyToDb } from "../dates.ts";
import { etagOf } from "../etag.ts";
import { cellText, cellsOf, flatColumns, FORMULA_START, type FlatColumn } from "../exports/columns.ts";
import { headerNames, type HeaderKey } from "../messages/columns.ts";
import { rowRuleMessage, type RowIssue } from "../messages/imports.ts";
import { problemFromDatabaseError } from "../prisma-errors.ts";
import { ApiError } from "../problem.ts";
import type { RecordService } from "../record-service.ts";
import type { RequestContext } from "../request-context.ts";
import { validationError, type Tx } from "../records.ts";
import type { AnyResource } from "../resource.ts";
import { badFile, type Table } from "./read-file.ts";

/**
 * An import, row by row, through the generic record service (so every write is validated, audited and in the change
 * feed like any other): each row is matched on its key, compared with the record it names, and then created,
 * updated (only the cells that differ, as a merge patch at the version read) or left alone. All rows run in one
 * transaction, each behind a savepoint so that a rejected row does not spoil the others' checks; a dry run, or a
 * real run with any row rejected, rolls everything back.
 */

/** Rows in one import: a cluster's whole membership many times over, and a transaction that stays short. */
export const IMPORT_MAX_ROWS = 2000;
/** Bytes in one import file. */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

export type RowAction = "create" | "update" | "unchanged" | "rejected";
export type RowReport = { row: number; action: RowAction; id?: string; errors?: RowIssue[] };

/** Which columns name a record: alternatives tried in order, each one column or several together. */
export type ImportSpec = { keys: ReadonlyArray<readonly string[]> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const META = new Set(["id", "version", "createdAt", "updatedAt"]);

/** Whether the create body has a field at `path` (through optional, nullable and default wrappers) that one cell can hold. */
function inputHas(schema: z.ZodType, path: string): boolean {
  let current: z.ZodType | undefined = schema;
  for (const step of path.split(".")) {
    while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
    if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    if (!(current instanceof z.ZodObject)) return false;
    current = current.shape[step] as z.ZodType | undefined;
    if (!current) return false;
  }
  // A list (an activity's media partners, an agenda) is exported joined with "; " for reading, not imported.
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
  return !(current instanceof z.ZodArray);
}

const normalize = (text: string) => text.normalize("NFC").trim();

/** A cell's text as an import reads it: the export's formula guard (a leading ') taken off. */
const unguard = (text: string) => (text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text);

/** The typed value of a cell's text for the create body or patch (what is not valid is left for validation to name). */
function inputValue(column: FlatColumn, text: string): unknown {
  if (text === "") return null;
  if (column.type === "number" && column.money !== "amount" && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (column.type === "boolean" && /^(true|false)$/i.test(text)) return text.toLowerCase() === "true";
  return text;
}

const sameCell = (column: FlatColumn, a: string, b: string) =>
  column.type === "number" && a !== "" && b !== "" && Number.isFinite(Number(a)) ? Number(a) === Number(b) : a === b;

function setAt(target: Record<string, unknown>, path: string, value: unknown) {
  const steps = path.split(".");
  let node = target;
  for (const step of steps.slice(0, -1)) node = (node[step] ??= {}) as Record<string, unknown>;
  node[steps.at(-1)!] = value;
}

/** The columns a file of this record type may carry: the exported ones a create body takes, plus `id`. */
export function importColumns(definition: AnyResource): FlatColumn[] {
  const skip = new Set([...(definition.readOnly ?? []), ...(definition.derived ?? [])]);
  // An owned record (a membership) names its owner in a column of the owner's id (`organizationId`), as the owner's XLSX export has it.
  const owner = definition.parent ? flatColumns([{ key: definition.parent.key as HeaderKey, type: "text" }]) : [];
  return [...owner, ...flatColumns(definition.export.columns.filter((column) => !column.value))].filter((column) => {
    if (column.key === definition.parent?.key) return true;
    if (column.key === "id") return true;
    const field = column.money ? column.key.slice(0, column.key.lastIndexOf(".")) : column.key;
    return !META.has(field) && !skip.has(field.split(".")[0]!) && inputHas(definition.schemas.create, field);
  });
}

/** Header cell -> column: by key or by its header in either language (as exported), ignoring case. */
function headerIndex(table: Table, columns: readonly FlatColumn[]): Map<string, number> {
  const found = new Map<string, number>();
  table.header.forEach((cell, index) => {
    const name = normalize(cell).toLowerCase();
    const column = columns.find((candidate) => {
      const base = candidate.money ? candidate.key.slice(0, candidate.key.lastIndexOf(".")) : candidate.key;
      const names = [candidate.key, candidate.header("en"), candidate.header("pl"), ...(candidate.money === "amount" ? headerNames(base as never) : [])];
      return names.some((known) => known.toLowerCase() === name);
    });
    if (column && !found.has(column.key)) found.set(column.key, index);
  });
  return found;
}

type Prepared = { row: number; cells: Map<string, string>; key?: { fields: readonly string[]; values: string[] } };

/** The file's rows checked as a whole: bound, header, formulas, keys; 4xx before any row is written. */
export function prepareRows(definition: AnyResource, spec: ImportSpec, table: Table): { columns: FlatColumn[]; rows: Prepared[] } {
  if (table.header.length === 0) throw badFile("validation_failed", "empty");
  if (table.rows.length > IMPORT_MAX_ROWS) throw badFile("validation_failed", "tooManyRows", { limit: IMPORT_MAX_ROWS });
  const all = importColumns(definition);
  const index = headerIndex(table, all);
  const columns = all.filter((column) => index.has(column.key));
  const required = all.filter((column) => column.key === definition.parent?.key || (column.key !== "id" && definition.schemas.create.safeParse({}).error?.issues.some((issue) => issue.path.join(".") === column.key)));
  const naturalKeys = spec.keys.filter((alternative) => !(alternative.length === 1 && alternative[0] === "id"));
  const missing = [...required.filter((column) => !index.has(column.key)).map((column) => column.key), ...(naturalKeys.some((alternative) => alternative.every((key) => index.has(key))) ? [] : [naturalKeys[0]!.join(" + ")])];
  if (missing.length > 0) throw badFile("validation_failed", "missingColumns", { columns: [...new Set(missing)] });

  const seen = new Map<string, number>();
  const rows = table.rows.map((raw, i): Prepared => {
    const row = i + 2; // the header is row 1, as a spreadsheet numbers them
    const cells = new Map<string, string>();
    for (const column of columns) {
      const text = normalize(raw[index.get(column.key)!] ?? "");
      if (/^[=+@]/.test(text) || (text.startsWith("-") && !/^-\d+(\.\d+)?$/.test(text))) throw badFile("validation_failed", "formula", { row, column: column.key });
      cells.set(column.key, unguard(text));
    }
    const fields = spec.keys.find((alternative) => alternative.every((key) => (cells.get(key) ?? "") !== ""));
    if (!fields) return { row, cells };
    const values = fields.map((key) => cells.get(key)!);
    const signature = JSON.stringify([fields, values.map((value) => value.toLowerCase())]);
    const first = seen.get(signature);
    if (first !== undefined) throw badFile("validation_failed", "duplicateKeys", { rows: [first, row] });
    seen.set(signature, row);
    return { row, cells, key: { fields, values } };
  });
  return { columns, rows };
}

/** The issues of a refused write, by column (JSON Pointer `/address/city` -> `address.city`). */
function issuesOf(error: ApiError): RowIssue[] {
  const rule = error.code === "reference_not_found" ? "referenceMissing" : error.code === "conflict" ? "conflict" : error.code === "not_found" ? "notFound" : "invalid";
  if (!error.errors?.length) return [{ column: null, rule, message: error.message }];
  return error.errors.map((fieldError) => ({ column: fieldError.path.slice(1).replaceAll("/", ".") || null, rule, message: fieldError.message }));
}

/** Rolls the import's transaction back after the report is made (a dry run, or a rejected row). */
class RollBack extends Error {}

export async function importRows(
  prisma: PrismaClient,
  service: RecordService,
  definition: AnyResource,
  prepared: { columns: FlatColumn[]; rows: Prepared[] },
  options: { dryRun: boolean; keys: ImportSpec["keys"]; context: RequestContext | undefined },
): Promise<RowReport[]> {
  const { columns, rows } = prepared;
  const exportColumns = definition.export.columns.filter((column) => !column.value);
  const flat = flatColumns(exportColumns);
  const report: RowReport[] = [];
  const keyWhere = (fields: readonly string[], values: string[]) =>
    Object.fromEntries(fields.map((field, i) => {
      const type = flat.find((column) => column.key === field)?.type;
      return [field, type === "date" ? dateOnlyToDb(values[i]!) : type === "number" ? Number(values[i]) : values[i]];
    }));

  // The id and the owner's id name the record; they are not fields of its input.
  const notInput = new Set(["id", ...(definition.parent ? [definition.parent.key] : [])]);
  const parentOf = (cells: Map<string, string>) => (definition.parent ? cells.get(definition.parent.key)! : "");

  async function one(tx: Tx, prepared: Prepared): Promise<RowReport> {
    const { row, cells, key } = prepared;
    if (!key) return { row, action: "rejected", errors: [{ column: null, rule: "keyMissing", message: rowRuleMessage("keyMissing", options.keys.map((k) => k.join(" + ")).join(" | ")) }] };
    // A key that cannot be a value of its column (an id that is no UUID) names nothing; asking would fail the transaction.
    const idIsUuid = key.fields.every((field) => !/(^id|Id)$/.test(field) || UUID.test(cells.get(field)!));
    const matches = idIsUuid
      ? ((await definition.model(tx).findMany({ where: keyWhere(key.fields, key.values), include: definition.rowInclude, take: 2 })) as Array<Record<string, unknown> & { id: string; version: number }>)
      : [];
    const keyColumn = key.fields.join(" + ");
    if (matches.length > 1) return { row, action: "rejected", errors: [{ column: keyColumn, rule: "ambiguousKey", message: rowRuleMessage("ambiguousKey") }] };
    const current = matches[0];
    if (!current) {
      if (key.fields.includes("id")) return { row, action: "rejected", errors: [{ column: "id", rule: "notFound", message: rowRuleMessage("notFound") }] };
      const input: Record<string, unknown> = {};
      for (const column of columns) if (!notInput.has(column.key) && cells.get(column.key) !== "") setAt(input, column.key, inputValue(column, cells.get(column.key)!));
      const parsed = definition.schemas.create.safeParse(input, { reportInput: true });
      if (!parsed.success) throw validationError(parsed.error);
      const created = await service.create(parsed.data, parentOf(cells), { tx, context: options.context });
      return { row, action: "create", id: created.id };
    }
    const record = definition.toRecord(current);
    const now = cellsOf(exportColumns, record, current);
    const patch: Record<string, unknown> = {};
    for (const column of columns) {
      if (notInput.has(column.key)) continue;
      const was = cellText(now[flat.findIndex((candidate) => candidate.key === column.key)]!);
      const text = cells.get(column.key)!;
      if (!sameCell(column, unguard(was ?? ""), text)) setAt(patch, column.key, inputValue(column, text));
    }
    if (Object.keys(patch).length === 0) return { row, action: "unchanged", id: current.id };
    await service.update(current.id, patch, etagOf(current), parentOf(cells), { tx, context: options.context });
    return { row, action: "update", id: current.id };
  }

  try {
    await prisma.$transaction(
      withRequestHooks(options.context, async (tx: Tx) => {
        for (const prepared of rows) {
          await tx.$executeRawUnsafe("SAVEPOINT import_row");
          try {
            report.push(await one(tx, prepared));
            await tx.$executeRawUnsafe("RELEASE SAVEPOINT import_row");
          } catch (error) {
            const problem = error instanceof ApiError ? error : problemFromDatabaseError(error);
            if (!problem || problem.status >= 500) throw error;
            await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT import_row");
            report.push({ row: prepared.row, action: "rejected", errors: issuesOf(problem) });
          }
        }
        if (options.dryRun || report.some((entry) => entry.action === "rejected")) throw new RollBack();
      }),
      // Every row in one transaction: bounded by IMPORT_MAX_ROWS, so by time too.
      { timeout: 120_000, maxWait: 10_000 },
    );
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
  return report;
}
