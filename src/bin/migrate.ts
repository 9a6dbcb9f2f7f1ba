// Applies pending migrations to the configured database (`npm run db:migrate`): DATABASE_URL, or the embedded
// database in DATA_DIR when it is not set. The server does the same at start unless MIGRATE_ON_START=false.
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/database.ts";

try {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    const { applied, checksumMismatches } = await database.migrate();
    process.stdout.write(
      applied.length > 0 ? `${database.description}: applied ${applied.join(", ")}\n` : `${database.description}: already up to date\n`,
    );
    if (checksumMismatches.length > 0) process.stderr.write(`warning: migrations changed after they were applied: ${checksumMismatches.join(", ")}\n`);
  } finally {
    await database.close();
  }
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message.split("\n")[0]}\n`);
  process.exit(1);
}
