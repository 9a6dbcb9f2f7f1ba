// Writes the committed openapi.yaml from the routes and zod schemas (`npm run openapi`).
// test/app/openapi.test.ts fails when the committed file differs from what the code generates.
import fs from "node:fs";
import path from "node:path";
import { buildApp } from "../app.ts";
import { detachedDatabase } from "../db/database.ts";
import { openApiDocuments } from "../plugins/swagger.ts";

export const OPENAPI_FILE = path.resolve(import.meta.dirname, "../../openapi.yaml");

export async function generateOpenApiYaml(): Promise<string> {
  const app = await buildApp({ database: detachedDatabase(), closeDatabase: true });
  await app.ready();
  const { yaml } = openApiDocuments(app);
  await app.close();
  return yaml;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  // `--out <file>` writes elsewhere (to lint a work in progress without touching the committed file).
  const outAt = process.argv.indexOf("--out");
  const file = outAt > 0 && process.argv[outAt + 1] ? path.resolve(process.argv[outAt + 1]!) : OPENAPI_FILE;
  const yaml = await generateOpenApiYaml();
  fs.writeFileSync(file, yaml);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)} (${yaml.split("\n").length} lines)\n`);
}
