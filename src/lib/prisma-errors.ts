import { ApiError, type FieldError } from "./problem.ts";
import { problemText, type DetailMessage } from "./messages/problems.ts";

/**
 * Maps database errors raised through Prisma (with a driver adapter), or by node-postgres itself (SQLSTATE in `code`), to problems. Services check what they can
 * up front with friendlier messages; this is the backstop for races and for anything they did not foresee.
 */

type PrismaLikeError = {
  name?: string;
  code?: string;
  message?: string;
  /** node-postgres (the plain reads and writes of src/db/sql-models.ts): the violated constraint's name. */
  constraint?: string;
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
  const name = cause?.constraint?.index ?? (typeof error.meta?.target === "string" ? error.meta.target : (error.meta?.field_name ?? error.constraint));
  // Prisma names constraints <table>_<column>_key / <table>_<column>_fkey
  const match = name?.match(/^[a-z_]+?s_([a-z_]+?)_(?:key|fkey)$/);
  return match?.[1] ? [camel(match[1])] : [];
}

/**
 * Database faults: the database is down, starting, shutting down, too slow or out of connections. None of them is
 * the client's doing or a bug of ours, and each may pass: a 503 with Retry-After, never a 500. One table, keyed by
 * what identifies the fault wherever Prisma puts it:
 * - the SQLSTATE (PostgreSQL's errcodes appendix), found at the top level of a driver error, or under
 *   `meta.driverAdapterError.cause.originalCode` / `.code` of Prisma's P2010 (raw query) and P2039 (model query);
 * - Prisma's own error codes (P1001 can't reach the server, P2024 pool timeout, P2028 transaction not started or
 *   expired in time, P2034 write conflict or deadlock);
 * - the driver adapter's error kinds, and the messages of errors node-postgres and pg-pool raise without a code.
 */
type Fault = "unavailable" | "busy" | "conflict";

const FAULT_DETAIL: Record<Fault, { detail: DetailMessage; retryAfterSeconds: number }> = {
  unavailable: { detail: problemText("databaseUnavailable"), retryAfterSeconds: 5 },
  busy: { detail: problemText("databaseBusy"), retryAfterSeconds: 2 },
  conflict: { detail: problemText("databaseConflict"), retryAfterSeconds: 1 },
};

export const DATABASE_FAULTS = {
  sqlState: {
    "08000": "unavailable", // connection_exception
    "08001": "unavailable", // sqlclient_unable_to_establish_sqlconnection
    "08003": "unavailable", // connection_does_not_exist
    "08004": "unavailable", // sqlserver_rejected_establishment_of_sqlconnection
    "08006": "unavailable", // connection_failure
    "25P03": "busy", // idle_in_transaction_session_timeout
    "40001": "conflict", // serialization_failure
    "40P01": "conflict", // deadlock_detected
    "53000": "busy", // insufficient_resources
    "53100": "unavailable", // disk_full
    "53200": "busy", // out_of_memory
    "53300": "busy", // too_many_connections
    "55P03": "busy", // lock_not_available (lock_timeout)
    "57014": "busy", // query_canceled (statement_timeout)
    "57P01": "unavailable", // admin_shutdown (also pg_terminate_backend)
    "57P02": "unavailable", // crash_shutdown
    "57P03": "unavailable", // cannot_connect_now (starting up, or in recovery)
    "57P05": "busy", // idle_session_timeout
    "58000": "unavailable", // system_error
    "58030": "unavailable", // io_error
    "3D000": "unavailable", // invalid_catalog_name: the configured database does not exist
    "28000": "unavailable", // invalid_authorization_specification
    "28P01": "unavailable", // invalid_password
  },
  prismaCode: {
    P1001: "unavailable", // can't reach database server
    P1002: "unavailable", // database server reached but timed out
    P1003: "unavailable", // database does not exist
    P1008: "busy", // operations timed out
    P1010: "unavailable", // access denied
    P1011: "unavailable", // TLS connection error
    P1017: "unavailable", // server has closed the connection
    P2024: "busy", // timed out fetching a connection from the pool
    P2028: "busy", // transaction API error: not started in time (maxWait), or expired (timeout)
    P2034: "conflict", // write conflict or deadlock
  },
  adapterKind: {
    DatabaseNotReachable: "unavailable",
    ConnectionClosed: "unavailable",
    SocketTimeout: "busy",
    TooManyConnections: "busy",
    DatabaseDoesNotExist: "unavailable",
    DatabaseAccessDenied: "unavailable",
    AuthenticationFailed: "unavailable",
    TlsConnectionError: "unavailable",
    TransactionWriteConflict: "conflict",
  },
  /** Errors raised without a code: pg-pool, node-postgres, PGlite, our own DatabaseUnavailableError. */
  message: [
    [/timeout exceeded when trying to connect/i, "busy"], // pg-pool: every connection busy for connectionTimeoutMillis
    [/Connection terminated|Client has encountered a connection error|Connection is closed|PGlite is closed/i, "unavailable"],
    [/Query read timeout/i, "busy"],
    [/Can't reach database server|connection refused|ECONNREFUSED|ECONNRESET|ETIMEDOUT/i, "unavailable"],
  ],
  errorName: { PrismaClientInitializationError: "unavailable", DatabaseUnavailableError: "unavailable" },
} as const satisfies {
  sqlState: Record<string, Fault>;
  prismaCode: Record<string, Fault>;
  adapterKind: Record<string, Fault>;
  message: ReadonlyArray<readonly [RegExp, Fault]>;
  errorName: Record<string, Fault>;
};

const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Prisma's codes (P1xxx–P6xxx) share the shape of a SQLSTATE; PL/pgSQL's P0001–P0004 are SQLSTATEs. */
const PRISMA_CODE = /^P[1-6]\d{3}$/;

type ErrorShape = PrismaLikeError & {
  cause?: unknown;
  meta?: PrismaLikeError["meta"] & { code?: string; driverAdapterError?: { cause?: { code?: string } } };
};

/** The SQLSTATE of a database error, wherever Prisma or the driver put it. */
export function sqlStateOf(error: unknown): string | undefined {
  const e = error as ErrorShape | undefined;
  if (!e || typeof e !== "object") return undefined;
  const cause = e.meta?.driverAdapterError?.cause;
  const candidates = [cause?.originalCode, cause?.code, e.meta?.code, e.code, (e.cause as ErrorShape | undefined)?.code];
  const found = candidates.find((code) => typeof code === "string" && SQLSTATE.test(code) && !PRISMA_CODE.test(code));
  if (found) return found;
  // Prisma's raw-query message: "Raw query failed. Code: `57P01`. Message: `...`".
  return typeof e.message === "string" ? /\bCode: `([0-9A-Z]{5})`/.exec(e.message)?.[1] : undefined;
}

/** What kind of database fault `error` is, or undefined when it is not one (a constraint violation, a bug). */
export function databaseFault(error: unknown): Fault | undefined {
  const e = error as ErrorShape | undefined;
  if (!e || typeof e !== "object") return undefined;
  const table = DATABASE_FAULTS;
  const sqlState = sqlStateOf(e);
  if (sqlState && sqlState in table.sqlState) return table.sqlState[sqlState as keyof typeof table.sqlState];
  if (e.code && e.code in table.prismaCode) return table.prismaCode[e.code as keyof typeof table.prismaCode];
  const kind = e.meta?.driverAdapterError?.cause?.kind;
  if (kind && kind in table.adapterKind) return table.adapterKind[kind as keyof typeof table.adapterKind];
  if (e.name && e.name in table.errorName) return table.errorName[e.name as keyof typeof table.errorName];
  const message = typeof e.message === "string" ? e.message : "";
  for (const [pattern, fault] of table.message) if (pattern.test(message)) return fault;
  // Node's socket errors carry their name as the code.
  if (e.code === "ECONNREFUSED" || e.code === "ECONNRESET" || e.code === "ETIMEDOUT" || e.code === "EPIPE") return "unavailable";
  return undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return databaseFault(error) !== undefined;
}

/** The 503 for a database fault. */
export function databaseFaultProblem(fault: Fault): ApiError {
  const { detail, retryAfterSeconds } = FAULT_DETAIL[fault];
  return new ApiError("database_unavailable", detail, { headers: { "retry-after": String(retryAfterSeconds) } });
}

/** Returns the problem for a known database error, or undefined when it is not one we can explain. */
export function problemFromDatabaseError(error: unknown, operation: "write" | "delete" = "write"): ApiError | undefined {
  const e = error as PrismaLikeError;
  if (!e || typeof e !== "object") return undefined;
  const kind = e.meta?.driverAdapterError?.cause?.kind;
  const fault = databaseFault(error);
  if (fault) return databaseFaultProblem(fault);
  const sqlState = sqlStateOf(error);
  if (e.code === "P2002" || kind === "UniqueConstraintViolation" || sqlState === "23505") {
    const fields = constraintFields(e);
    const errors: FieldError[] = fields.map((field) => ({ path: `/${field}`, message: "is already used by another record", location: "body" }));
    return new ApiError("conflict", problemText("uniqueTaken", { fields }), { errors });
  }
  if (e.code === "P2003" || kind === "ForeignKeyConstraintViolation" || kind === "RestrictViolation" || sqlState === "23503") {
    const fields = constraintFields(e);
    if (operation === "delete") return new ApiError("still_referenced", problemText("referencedByOthers"));
    return new ApiError("reference_not_found", problemText("referencedRecordMissing", { fields }), {
      errors: fields.map((field) => ({ path: `/${field}`, message: "refers to a record that does not exist", location: "body" })),
    });
  }
  if (e.code === "P2025") return new ApiError("not_found", problemText("recordGone"));
  // PostgreSQL data exceptions (SQLSTATE class 22: a date out of its range, a value too long for its column) come
  // from input the schemas let through: a 400, never a 500.
  if (e.code === "P2000" || kind === "LengthMismatch" || sqlState?.startsWith("22")) {
    return new ApiError("validation_failed", problemText("valueNotStorable"));
  }
  return undefined;
}
