// Creates a new Prisma migration from the changes in prisma/schema.prisma, offline and without a PostgreSQL server:
//   npm run db:migration -- --name add_meetings   writes prisma/migrations/<UTC timestamp>_add_meetings/migration.sql
//   npm run db:migration -- --check               exits 1 if the schema has changes no migration covers
// (our stand-in for `prisma migrate dev --create-only`, whose native engine cannot be downloaded here).
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { MIGRATION_LOCK_TOML, diffMigrationsToSchema } from "../db/schema-engine.ts";

const root = path.resolve(import.meta.dirname, "../..");
const migrationsDir = path.join(root, "prisma/migrations");
const schemaPath = path.join(root, "prisma/schema.prisma");

// Prisma's schema engine does not emit CREATE EXTENSION unless the `postgresqlExtensions` preview feature is
// on, yet the schema's gin_trgm_ops indexes need pg_trgm and the search code uses unaccent. So the very first
// migration creates both itself (IF NOT EXISTS: harmless where they are already installed).
const FIRST_MIGRATION_PREAMBLE = "CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE EXTENSION IF NOT EXISTS unaccent;\n\n";

function parseCli(argv: string[]): { name: string | undefined; check: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: { name: { type: "string" }, check: { type: "boolean", default: false } },
    strict: true,
  });
  const { name, check = false } = values;
  if (name !== undefined && !/^[a-z0-9_]+$/.test(name)) {
    throw new Error(`invalid --name "${name}": use lower-case letters, digits and underscores only`);
  }
  // --check only compares, so it does not need a name.
  if (name === undefined && !check) throw new Error("missing --name <snake_case_name>");
  return { name, check };
}

/** 20250131235959: the UTC timestamp prefix Prisma gives migration folders. */
function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\D/g, "").slice(0, 14);
}

function hasMigrations(): boolean {
  return (
    fs.existsSync(migrationsDir) &&
    fs.readdirSync(migrationsDir, { withFileTypes: true }).some((entry) => entry.isDirectory())
  );
}

/**
 * Errors as one line, no stack. Engine errors are multi-line: the message, then a Rust backtrace
 * ("   0: schema_engine_wasm::..."), which we drop; schema validation errors add a source excerpt, of which
 * we keep only the "  -->  file:line" location.
 */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split("\n").map((line) => line.trim());
  const end = lines.findIndex((line) => /^\d+: /.test(line));
  const message = lines.slice(0, end === -1 ? undefined : end);
  const location = message.find((line) => line.startsWith("-->"))?.slice(3).trim();
  if (location) return `${message[0]} (${path.relative(root, location)})`;
  // e.g. "Migration `x` failed to apply cleanly to the shadow database. / Error: / external connector error /
  // Error querying the database: ERROR: syntax error at end of input": drop the filler lines, join the rest.
  return message.filter((line) => line && line !== "Error:" && line !== "external connector error").join(" ");
}

async function main(): Promise<void> {
  const { name, check } = parseCli(process.argv.slice(2));
  const sql = await diffMigrationsToSchema({ migrationsDir, schemaPath });

  if (check) {
    if (sql) {
      throw new Error("prisma/schema.prisma has changes no migration covers: run npm run db:migration -- --name <name>");
    }
    console.log("schema and migrations agree");
    return;
  }
  if (!sql) {
    console.log("no schema changes: nothing to do");
    return;
  }

  const preamble = hasMigrations() ? "" : FIRST_MIGRATION_PREAMBLE;
  const dir = path.join(migrationsDir, `${timestamp()}_${name}`);
  if (fs.existsSync(dir)) throw new Error(`${path.relative(root, dir)} already exists`);
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  if (!fs.existsSync(lockPath)) fs.writeFileSync(lockPath, MIGRATION_LOCK_TOML);
  const file = path.join(dir, "migration.sql");
  fs.writeFileSync(file, preamble + sql);
  console.log(path.relative(process.cwd(), file));
}

try {
  await main();
} catch (error) {
  process.stderr.write(`create-migration: ${oneLine(error)}\n`);
  process.exitCode = 1;
}
