import { ApiError, type FieldError } from "./problem.ts";

/**
 * Maps database errors raised through Prisma (with a driver adapter) to problems. Services check what they can
 * up front with friendlier messages; this is the backstop for races and for anything they did not foresee.
 */

type PrismaLikeError = {
  name?: string;
  code?: string;
  message?: string;
  meta?: {
    target?: string | string[];
    field_name?: string;
    modelName?: string;
    driverAdapterError?: { cause?: { kind?: string; constraint?: { fields?: string[]; index?: string }; originalCode?: string } };
  };
};

const camel = (column: string) => column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

function constraintFields(error: PrismaLikeError): string[] {
  const cause = error.meta?.driverAdapterError?.cause;
  const fields = cause?.constraint?.fields ?? (Array.isArray(error.meta?.target) ? error.meta.target : []);
  if (fields.length > 0) return fields.map((field) => camel(field.replace(/^"|"$/g, "")));
  const name = cause?.constraint?.index ?? (typeof error.meta?.target === "string" ? error.meta.target : error.meta?.field_name);
  // Prisma names constraints <table>_<column>_key / <table>_<column>_fkey
  const match = name?.match(/^[a-z_]+?s_([a-z_]+?)_(?:key|fkey)$/);
  return match?.[1] ? [camel(match[1])] : [];
}

const UNAVAILABLE_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "DatabaseDoesNotExist",
  "DatabaseAccessDenied",
  "AuthenticationFailed",
  "TlsConnectionError",
]);
const UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1003", "P1008", "P1010", "P1011", "P1017", "P2024", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "57P01", "57P03"]);

export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as PrismaLikeError & { cause?: unknown };
  if (!e || typeof e !== "object") return false;
  if (e.name === "PrismaClientInitializationError" || e.name === "DatabaseUnavailableError") return true;
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  const kind = e.meta?.driverAdapterError?.cause?.kind;
  if (kind && UNAVAILABLE_KINDS.has(kind)) return true;
  return /Can't reach database server|Connection terminated|connection refused|ECONNREFUSED|PGlite is closed/i.test(e.message ?? "");
}

/** Returns the problem for a known database error, or undefined when it is not one we can explain. */
export function problemFromDatabaseError(error: unknown, operation: "write" | "delete" = "write"): ApiError | undefined {
  const e = error as PrismaLikeError;
  if (!e || typeof e !== "object") return undefined;
  const kind = e.meta?.driverAdapterError?.cause?.kind;
  if (isDatabaseUnavailable(error)) {
    return new ApiError("database_unavailable", "The database did not answer. Retry shortly.", { headers: { "retry-after": "5" } });
  }
  if (e.code === "P2002" || kind === "UniqueConstraintViolation") {
    const fields = constraintFields(e);
    const errors: FieldError[] = fields.map((field) => ({ path: `/${field}`, message: "is already used by another record", location: "body" }));
    return new ApiError("conflict", fields.length > 0 ? `Another record already has this ${fields.join(", ")}.` : "Another record has the same unique value.", { errors });
  }
  if (e.code === "P2003" || kind === "ForeignKeyConstraintViolation" || kind === "RestrictViolation") {
    const fields = constraintFields(e);
    if (operation === "delete") return new ApiError("still_referenced", "The record is still referenced by other records; remove those references first.");
    return new ApiError("reference_not_found", `A referenced record does not exist${fields.length ? ` (${fields.join(", ")})` : ""}.`, {
      errors: fields.map((field) => ({ path: `/${field}`, message: "refers to a record that does not exist", location: "body" })),
    });
  }
  if (e.code === "P2025") return new ApiError("not_found", "The record does not exist (it may just have been deleted).");
  // PostgreSQL data exceptions (SQLSTATE class 22: a date out of its range, a value too long for its column) come
  // from input the schemas let through: a 400, never a 500.
  const sqlState = e.meta?.driverAdapterError?.cause?.originalCode;
  if (e.code === "P2000" || kind === "LengthMismatch" || (typeof sqlState === "string" && sqlState.startsWith("22"))) {
    return new ApiError("validation_failed", "A value in the request is outside what can be stored (for example a date before the year 1, or text too long for its field).");
  }
  return undefined;
}
