// Issue 9, defect 11: node-postgres warned "client.query() when the client is already executing a query" at start-up
// and in db:seed, because Prisma sends the relation queries of one include concurrently, and inside a transaction
// they share one connection. Queries of a transaction now go out one at a time.
import t from "tap";
import { seedDemoData } from "../../src/db/seed.ts";
import { testDatabase, usingPostgres } from "../helper.ts";

const QUEUE_WARNING = /already executing a query/;

t.test("no pg warning about queued queries, in a transaction's concurrent queries or in the seed", { skip: usingPostgres ? false : "PGlite does not use node-postgres" }, async (t) => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  process.on("warning", onWarning);
  t.teardown(() => void process.off("warning", onWarning));
  const db = await testDatabase(t);

  const counts = await db.prisma.$transaction(async (tx) =>
    Promise.all([tx.coordinator.count(), tx.cluster.count(), tx.activity.count(), tx.meeting.count(), tx.organization.count()]),
  );
  t.same(counts, [0, 0, 0, 0, 0], "the queries still answer, in order");
  t.match(await seedDemoData(db.prisma), /^created 1 coordinator/);
  await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  t.same(warnings.filter((message) => QUEUE_WARNING.test(message)), [], "no queued-query warning");
});
