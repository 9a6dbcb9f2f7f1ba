// Loads the demo data (`npm run db:seed`) into the configured database, migrating it first. Idempotent.
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/database.ts";
import { seedDemoData } from "../db/seed.ts";

try {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    await database.migrate();
    process.stdout.write(`${database.description}: ${await seedDemoData(database.prisma)}\n`);
  } finally {
    await database.close();
  }
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message.split("\n")[0]}\n`);
  process.exit(1);
}
