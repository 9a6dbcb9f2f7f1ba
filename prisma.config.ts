import path from "node:path";
import { defineConfig } from "prisma/config";

// Prisma 7's CLI downloads a native schema engine before every command, even `generate`, unless
// PRISMA_SCHEMA_ENGINE_BINARY names an existing file. Generation itself runs on wasm, so we point it at
// a stand-in that explains how this project applies and authors migrations (there is no network here).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(import.meta.dirname, "prisma/schema-engine-offline.mjs");

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // Not env("DATABASE_URL"): that throws when the variable is unset and would break `prisma generate`.
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
