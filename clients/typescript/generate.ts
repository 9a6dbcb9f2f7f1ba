// Generates src/openapi.d.ts from the committed openapi.yaml (run by `npm run openapi`, after the spec is written).
// test/app/typescript-client.test.ts calls `generateClientTypes` and fails when the committed file differs.
// openapi-typescript needs the TypeScript 5 compiler API, which TypeScript 7 (the repo's compiler) no longer ships:
// that is why this client is an npm workspace with its own `typescript@5` dev dependency.
import fs from "node:fs";
import path from "node:path";
import openapiTS, { COMMENT_HEADER, astToString } from "openapi-typescript";

export const SPEC_FILE = path.resolve(import.meta.dirname, "../../openapi.yaml");
export const TYPES_FILE = path.resolve(import.meta.dirname, "src/openapi.d.ts");

/** The client's types for the OpenAPI document `yaml` (the text of openapi.yaml). */
export async function generateClientTypes(yaml: string = fs.readFileSync(SPEC_FILE, "utf8")): Promise<string> {
  const ast = await openapiTS(yaml, { silent: true });
  return `${COMMENT_HEADER}${astToString(ast)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const types = await generateClientTypes();
  fs.writeFileSync(TYPES_FILE, types);
  process.stdout.write(`wrote ${path.relative(process.cwd(), TYPES_FILE)} (${types.split("\n").length} lines)\n`);
}
