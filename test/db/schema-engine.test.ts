// The committed migrations must build exactly prisma/schema.prisma: changing the schema without
// `npm run db:migration -- --name <name>` fails here. Runs the wasm schema engine on in-memory PGlite.
import fs from "node:fs";
import path from "node:path";
import t from "tap";
import { diffMigrationsToSchema } from "../../src/db/schema-engine.ts";

const root = path.resolve(import.meta.dirname, "../..");
const migrationsDir = path.join(root, "prisma/migrations");
const schemaPath = path.join(root, "prisma/schema.prisma");

t.test("committed migrations produce exactly prisma/schema.prisma", async (t) => {
  const sql = await diffMigrationsToSchema({ migrationsDir, schemaPath });
  t.equal(sql, "", "schema changes without a migration: run npm run db:migration -- --name <name>");
});

t.test("a schema change the migrations do not cover gives a non-empty diff", async (t) => {
  const extraModel = `
model MigrationProbe {
  id   Int    @id
  note String

  @@map("migration_probes")
}
`;
  const dir = t.testdir({ "schema.prisma": fs.readFileSync(schemaPath, "utf8") + extraModel });
  const sql = await diffMigrationsToSchema({ migrationsDir, schemaPath: path.join(dir, "schema.prisma") });
  t.match(sql, /CREATE TABLE "migration_probes"/);
  t.notMatch(sql, /CREATE TABLE "coordinators"/, "only the change, not the whole schema");
});
