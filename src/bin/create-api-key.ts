// Creates an API key in the configured database (`npm run keys:create -- --role admin --name "…" [--expires-at …]`),
// migrating it first: the way to the first key on a server that has none. The key is the last line of stdout.
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/database.ts";
import { ApiKeyCreate } from "../modules/api-keys/api-keys-schemas.ts";
import { createApiKey } from "../modules/api-keys/api-keys-service.ts";

const USAGE = "usage: npm run keys:create -- --role reader|editor|admin --name <name> [--expires-at <RFC 3339 date-time>]";

const fail = (message: string): never => {
  process.stderr.write(`error: ${message.split("\n")[0]}\n`);
  process.exit(1);
};

let values: { role?: string; name?: string; "expires-at"?: string } = {};
try {
  ({ values } = parseArgs({
    options: { role: { type: "string" }, name: { type: "string" }, "expires-at": { type: "string" } },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  fail(`${(error as Error).message.split("\n")[0]} (${USAGE})`);
}
if (values.role === undefined || values.name === undefined) fail(`--role and --name are required (${USAGE})`);

const parsed = ApiKeyCreate.safeParse({ name: values.name, role: values.role, expiresAt: values["expires-at"] });
if (!parsed.success) {
  const options: Record<string, string> = { name: "--name", role: "--role", expiresAt: "--expires-at" };
  fail(parsed.error.issues.map((issue) => `${options[String(issue.path[0])] ?? String(issue.path[0])} ${issue.message}`).join("; "));
}
const input = parsed.data!;

try {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    const { applied } = await database.migrate();
    if (applied.length > 0) process.stdout.write(`applied migrations: ${applied.join(", ")}\n`);
    const { record, key } = await createApiKey(database.prisma, { name: input.name, role: input.role, expiresAt: input.expiresAt ?? null });
    const expiry = record.expiresAt ? `, expires ${record.expiresAt}` : "";
    process.stdout.write(
      `Created API key "${record.name}" (role ${record.role}, id ${record.id}, prefix ${record.prefix}${expiry}) in ${database.description}.\n` +
        `The key is shown only this once; send it as "Authorization: Bearer <key>":\n${key}\n`,
    );
  } finally {
    await database.close();
  }
} catch (error) {
  fail((error as Error).message ?? String(error));
}
