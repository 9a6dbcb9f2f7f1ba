// Issue 9, deliverable 2: database faults are a 503 with Retry-After, mapped in one place from the SQLSTATE wherever
// Prisma puts it. The errors below have the shapes Prisma 7 and node-postgres really raise (captured against
// PostgreSQL 15 with @prisma/adapter-pg 7.10); test/app/database-faults.test.ts provokes them for real.
import t from "tap";
import { databaseFault, problemFromDatabaseError, sqlStateOf } from "../../src/lib/prisma-errors.ts";

const prismaError = (code: string, message: string, meta: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name: "PrismaClientKnownRequestError", code, meta, clientVersion: "7.10.0" });

const adapterCause = (sqlState: string, message: string, kind = "postgres") => ({
  driverAdapterError: {
    name: "DriverAdapterError",
    cause: { originalCode: sqlState, originalMessage: message, kind, code: sqlState, severity: "FATAL", message },
  },
});

const faults: Array<[string, unknown, "unavailable" | "busy" | "conflict"]> = [
  [
    "57P01 in a raw query (P2010): pg_terminate_backend, or a fast shutdown",
    prismaError("P2010", "Raw query failed. Code: `57P01`. Message: `terminating connection due to administrator command`", adapterCause("57P01", "terminating connection due to administrator command")),
    "unavailable",
  ],
  [
    "57P01 in a model query (P2039)",
    prismaError("P2039", "Database error. Code: `57P01`. Message: `terminating connection due to administrator command`", {
      modelName: "Coordinator",
      ...adapterCause("57P01", "terminating connection due to administrator command"),
    }),
    "unavailable",
  ],
  ["57P03: the database system is starting up", prismaError("P2039", "Database error", adapterCause("57P03", "the database system is starting up")), "unavailable"],
  ["57P02: crash shutdown", prismaError("P2010", "Raw query failed", adapterCause("57P02", "terminating connection because of crash of another server process")), "unavailable"],
  ["57014: statement timeout", prismaError("P2039", "Database error", adapterCause("57014", "canceling statement due to statement timeout")), "busy"],
  ["55P03: lock timeout", prismaError("P2010", "Raw query failed", adapterCause("55P03", "canceling statement due to lock timeout")), "busy"],
  ["53300: too many connections", prismaError("P2039", "Database error", adapterCause("53300", "sorry, too many clients already", "TooManyConnections")), "busy"],
  ["P2028: a transaction not started in time (maxWait)", prismaError("P2028", "Transaction API error: Unable to start a transaction in the given time."), "busy"],
  [
    "P2028: an expired transaction",
    prismaError("P2028", "Transaction API error: A query cannot be executed on an expired transaction. The timeout for this transaction was 5000 ms", {
      timeout: 5000,
      timeTaken: 5702,
    }),
    "busy",
  ],
  ["P2024: no connection from the pool in time", prismaError("P2024", "Timed out fetching a new connection from the connection pool."), "busy"],
  ["pg-pool: every connection busy for connectionTimeoutMillis", new Error("timeout exceeded when trying to connect"), "busy"],
  ["node-postgres: the server closed the connection", new Error("Connection terminated unexpectedly"), "unavailable"],
  ["P1001: the server cannot be reached", prismaError("P1001", "Can't reach database server at 127.0.0.1:5432", { driverAdapterError: { cause: { kind: "DatabaseNotReachable" } } }), "unavailable"],
  ["40P01: a deadlock, when the retries are used up", prismaError("P2010", "Raw query failed. Code: `40P01`. Message: `deadlock detected`", adapterCause("40P01", "deadlock detected", "TransactionWriteConflict")), "conflict"],
  ["40001: a serialization failure", prismaError("P2039", "Database error", adapterCause("40001", "could not serialize access due to concurrent update", "TransactionWriteConflict")), "conflict"],
  ["P2034: a write conflict, as Prisma names it", prismaError("P2034", "Transaction failed due to a write conflict or a deadlock. Please retry your transaction"), "conflict"],
  ["a SQLSTATE only in the message of a raw query", prismaError("P2010", "Raw query failed. Code: `57P01`. Message: `terminating connection`"), "unavailable"],
  ["a driver error with its SQLSTATE at the top level", Object.assign(new Error("the database system is shutting down"), { code: "57P03", severity: "FATAL" }), "unavailable"],
];

t.test("each database fault is a 503 database_unavailable with Retry-After", async (t) => {
  for (const [label, error, fault] of faults) {
    t.equal(databaseFault(error), fault, label);
    const problem = problemFromDatabaseError(error);
    t.equal(problem?.status, 503, `${label}: 503`);
    t.equal(problem?.code, "database_unavailable", `${label}: code`);
    t.match(problem?.headers["retry-after"], /^[1-9]\d*$/, `${label}: Retry-After`);
    t.notMatch(problem?.message, /57P|SQL|administrator|Prisma|P20/, `${label}: nothing internal in the detail`);
  }
});

t.test("the SQLSTATE is found wherever Prisma puts it", async (t) => {
  t.equal(sqlStateOf(prismaError("P2039", "x", adapterCause("57014", "x"))), "57014", "meta.driverAdapterError.cause.originalCode");
  t.equal(sqlStateOf(prismaError("P2010", "x", { driverAdapterError: { cause: { code: "57P01" } } })), "57P01", "…cause.code");
  t.equal(sqlStateOf(prismaError("P2010", "x", { code: "57P03" })), "57P03", "meta.code");
  t.equal(sqlStateOf(Object.assign(new Error("x"), { code: "40P01" })), "40P01", "top-level code");
  t.equal(sqlStateOf(Object.assign(new Error("x"), { cause: { code: "57P01" } })), "57P01", "the cause's code");
  t.equal(sqlStateOf(prismaError("P2028", "x")), undefined, "a Prisma code is not a SQLSTATE");
});

t.test("errors that are not faults stay what they are", async (t) => {
  t.equal(databaseFault(new Error("Cannot read properties of undefined")), undefined, "a bug is not a fault (a masked 500)");
  t.equal(databaseFault(prismaError("P2002", "Unique constraint failed", { target: ["nip"] })), undefined);
  t.equal(problemFromDatabaseError(prismaError("P2002", "Unique constraint failed", { target: ["nip"] }))?.status, 409);
  t.equal(databaseFault(prismaError("P2010", "Raw query failed", adapterCause("P0001", "raised by a function"))), undefined, "PL/pgSQL's P0001 is not a Prisma code");
  t.equal(problemFromDatabaseError(prismaError("P2039", "Database error", adapterCause("22008", "date/time field value out of range")))?.status, 400, "class 22: the input");
});
