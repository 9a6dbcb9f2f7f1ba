import type { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { issueMessage } from "./messages/fields.ts";
import { problemText } from "./messages/problems.ts";
import { ApiError, toPointer } from "./problem.ts";

/** Small pieces every write shares: the transaction client type, the version guard and its lost race, validation problems. */

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
type Versioned = { id: string; version: number };

/** A 400 naming each field a zod schema refused, in our own sentences (never zod's: "Invalid input"). */
export function validationError(error: z.ZodError, location: "body" | "query" = "body"): ApiError {
  const errors = error.issues.map(({ path, code, message, ...params }) => ({
    path: toPointer(path),
    // With `reportInput`, an issue carries what was there: nothing at all is a missing field.
    message: code === "invalid_type" && "input" in params && params.input === undefined ? "is required" : issueMessage({ keyword: code, message, params }),
    location,
  }));
  return new ApiError("validation_failed", problemText("validationFailed", { count: errors.length }), { errors });
}

/** Builds the `where` of a conditional write: only if the row is still at the version we read. */
export const atVersion = (row: Versioned) => ({ id: row.id, version: row.version });

/** A conditional write that matched nothing lost a race with another writer. */
export function lostRace(resource: string): ApiError {
  return new ApiError("version_mismatch", problemText("lostRace", { resource }));
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

/** The ids in `value` (an id, a list of ids, or a list of objects holding one in `each`), with their JSON Pointers. */
export function idsAt(field: string, value: unknown, each: string | undefined): Array<{ path: string; id: string }> {
  if (value == null) return [];
  if (!Array.isArray(value)) return [{ path: `/${field}`, id: value as string }];
  return value.map((item: unknown, index) =>
    each ? { path: `/${field}/${index}/${each}`, id: (item as Record<string, string>)[each]! } : { path: `/${field}/${index}`, id: item as string },
  );
}
