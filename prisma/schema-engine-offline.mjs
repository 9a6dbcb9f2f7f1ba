#!/usr/bin/env node
// Stand-in for Prisma's native schema engine, which cannot be downloaded offline.
// `prisma generate` only needs this file to exist. Migrations are applied by `npm run db:migrate`
// and authored by `npm run db:migration -- --name <name>` (the wasm schema engine, no server needed).
if (process.argv.includes("--version")) {
  console.log("schema-engine-cli 0000000000000000000000000000000000000000 (offline stand-in)");
  process.exit(0);
}
process.stderr.write(
  JSON.stringify({
    level: "ERROR",
    target: "schema_engine::logger",
    fields: {
      message:
        "The native Prisma schema engine is not available offline. Use `npm run db:migrate` to apply migrations " +
        "and `npm run db:migration -- --name <name>` to create one.",
    },
  }) + "\n",
);
process.exit(1);
