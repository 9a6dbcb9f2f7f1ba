import type { z } from "zod";
import { applyMergePatch } from "./merge-patch.ts";
import { assertIfMatch } from "./etag.ts";
import { ApiError, notFound, toPointer } from "./problem.ts";
import { problemText } from "./messages/problems.ts";
import { recordAudit, type AuditResourceType } from "./audit.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";

/** What services share: the write paths every record takes (merge-patch update, guarded delete). */

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
type Versioned = { id: string; version: number };

export function validationError(error: z.ZodError, location: "body" | "query" = "body"): ApiError {
  const errors = error.issues.map((issue) => ({ path: toPointer(issue.path), message: issue.message, location }));
  return new ApiError("validation_failed", problemText("validationFailed", { count: errors.length }), { errors });
}

/**
 * PATCH as RFC 7396 describes it: the patch is merged into the record's current input shape and the result must
 * pass the same schema as a create, so a patch can never produce a record a POST could not. Runs in one
 * transaction; the write is conditional on the version read, so a concurrent change turns into a 412.
 * The audit event (before/after of the changed fields) is appended in the same transaction.
 */
export async function mergePatchRecord<Row extends Versioned, Input>(options: {
  prisma: PrismaClient;
  resource: string;
  /** The collection name the audit log files the change under ("coordinators", "meeting-participants"). */
  resourceType: AuditResourceType;
  /** For a sub-resource: the owning record's id, kept with the audit event. */
  parentId?: string;
  id: string;
  ifMatch: string;
  patch: unknown;
  load: (tx: Tx) => Promise<Row | null>;
  toInput: (row: Row) => unknown;
  /** The shape the audit log compares, when `toInput` leaves out derived values (defaults to `toInput`). */
  auditShape?: (row: Row) => object;
  schema: z.ZodType<Input>;
  save: (tx: Tx, row: Row, input: Input) => Promise<Row>;
}): Promise<Row> {
  const shape = options.auditShape ?? ((row: Row) => options.toInput(row) as object);
  return options.prisma.$transaction(async (tx) => {
    const row = await options.load(tx);
    if (!row) throw notFound(options.resource, options.id);
    assertIfMatch(options.ifMatch, row);
    const merged = applyMergePatch(options.toInput(row), options.patch);
    const parsed = options.schema.safeParse(merged);
    if (!parsed.success) throw validationError(parsed.error);
    const saved = await options.save(tx, row, parsed.data);
    await recordAudit(tx, {
      action: "update",
      resourceType: options.resourceType,
      resourceId: saved.id,
      parentId: options.parentId,
      version: saved.version,
      before: shape(row),
      after: shape(saved),
    });
    return saved;
  });
}

/** Builds the `where` of a conditional write: only if the row is still at the version we read. */
export const atVersion = (row: Versioned) => ({ id: row.id, version: row.version });

/** A conditional write that matched nothing lost a race with another writer. */
export function lostRace(resource: string): ApiError {
  return new ApiError("version_mismatch", problemText("lostRace", { resource }));
}

/** Deletes a record that nothing references any more, and appends the audit event (the record as it was), in one transaction. */
export async function deleteRecord<Row extends Versioned>(options: {
  prisma: PrismaClient;
  resource: string;
  /** The collection name the audit log files the deletion under. */
  resourceType: AuditResourceType;
  /** For a sub-resource: the owning record's id. */
  parentId?: string;
  /** The record's input shape, logged as the "before" of every field. */
  toInput: (row: Row) => object;
  id: string;
  ifMatch: string;
  load: (tx: Tx) => Promise<Row | null>;
  /** Names what still points at the record ("2 clusters (coordinatorId)"); any -> 409. */
  references?: (tx: Tx, row: Row) => Promise<Array<{ resource: string; field: string; count: number }>>;
  remove: (tx: Tx, row: Row) => Promise<number>;
}): Promise<void> {
  await options.prisma.$transaction(async (tx) => {
    const row = await options.load(tx);
    if (!row) throw notFound(options.resource, options.id);
    assertIfMatch(options.ifMatch, row);
    const references = (await options.references?.(tx, row))?.filter((reference) => reference.count > 0) ?? [];
    if (references.length > 0) {
      throw new ApiError("still_referenced", problemText("stillReferenced", { resource: options.resource, references }), {
        extensions: { references },
      });
    }
    if ((await options.remove(tx, row)) === 0) throw lostRace(options.resource);
    await recordAudit(tx, {
      action: "delete",
      resourceType: options.resourceType,
      resourceId: row.id,
      parentId: options.parentId,
      version: row.version,
      before: options.toInput(row),
      after: null,
    });
  });
}

/**
 * A foreign id in a request body must name an existing record: 422 naming the field otherwise
 * (checked inside the write's transaction; the foreign key is the backstop).
 */
export function assertReference(found: number | boolean | null | undefined | object, field: string, noun: string, id: string): void {
  if (found === 0 || found === false || found === null || found === undefined) {
    throw new ApiError("reference_not_found", problemText("referenceNotFound", { noun, id }), {
      errors: [{ path: `/${field}`, message: `refers to a ${noun} that does not exist`, location: "body" }],
    });
  }
}
