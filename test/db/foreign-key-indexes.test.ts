// Every foreign key has an index that leads with its columns. Deleting or changing the referenced row (a cascade, or
// the check that nothing still refers to it) looks the referring rows up by those columns; without such an index each
// lookup reads the whole referring table (webhook_attempts.delivery_id had none: pruning deliveries scanned every
// attempt once per delivery).
import t from "tap";
import { testDatabase } from "../helper.ts";

const db = await testDatabase(t);

const unindexed = await db.prisma.$queryRawUnsafe<Array<{ constraint: string }>>(`
  SELECT c.conrelid::regclass::text || '.' || c.conname AS constraint
    FROM pg_constraint c
   WHERE c.contype = 'f'
     AND c.connamespace = current_schema()::regnamespace
     AND NOT EXISTS (
       SELECT 1 FROM pg_index i
        WHERE i.indrelid = c.conrelid
          AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey)
   ORDER BY 1`);
const [counted] = await db.prisma.$queryRawUnsafe<Array<{ n: number }>>(
  `SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace`,
);
t.ok(counted!.n > 10, `the schema's foreign keys were found (${counted!.n})`);
t.same(unindexed.map((row) => row.constraint), [], "every foreign key has an index led by its columns");
