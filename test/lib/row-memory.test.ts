// The rows an update may be written against (src/lib/row-memory.ts) are bounded by what they weigh, not only by how
// many: a meeting's row can hold 100 agenda items of 1000 characters, 10,000 of outcomes and its search text (measured:
// about 450 KB of heap each), so 10,000 of them would be about 4.5 GB, more than the process's heap.
import t from "tap";
import { rowMemory } from "../../src/lib/row-memory.ts";

const id = (i: number) => `0193b2a4-6f1e-7c3a-9d2e-${String(i).padStart(12, "0")}`;
const tag = (i: number) => `"${id(i)}.v1"`;

t.test("small rows: as many as the count allows", async (t) => {
  const memory = rowMemory();
  for (let i = 0; i < 10_000; i++) memory.remember(`coordinators//${id(i)}`, { id: id(i), version: 1, name: `Koordynator ${i}`, city: "Gdańsk", nip: "5842742121" });
  t.ok(memory.at(`coordinators//${id(0)}`, tag(0)), "the first of 10,000 small rows is still held");
});

t.test("large rows: no more than the byte budget", async (t) => {
  const memory = rowMemory();
  const agenda = (i: number) => Array.from({ length: 100 }, (_, j) => `${i}.${j} `.padEnd(1000, "ż"));
  // 400 rows of about 100,000 characters: some 80 MB as V8 stores Polish text (two bytes a character).
  for (let i = 0; i < 400; i++) memory.remember(`meetings//${id(i)}`, { id: id(i), version: 1, title: `Spotkanie ${i}`, agenda: agenda(i) });
  t.equal(memory.at(`meetings//${id(0)}`, tag(0)), undefined, "the oldest large row was let go");
  t.ok(memory.at(`meetings//${id(399)}`, tag(399)), "the newest is held");
});

t.test("with no plain write path (PGlite), GETs hold nothing: no update would ever use it", async (t) => {
  const { testDatabase, usingPostgres } = await import("../helper.ts");
  const { RESOURCES } = await import("../../src/modules/resources.ts");
  const { coordinators } = await import("../../src/modules/coordinators/coordinators-resource.ts");
  const real = await import("../../src/lib/row-memory.ts");
  let held = 0;
  const { recordServices } = await t.mockImport<typeof import("../../src/lib/record-services.ts")>("../../src/lib/record-services.ts", {
    "../../src/lib/row-memory.ts": {
      rowMemory: () => {
        const memory = real.rowMemory();
        return { ...memory, remember: (key: string, row: never) => (held++, memory.remember(key, row)) };
      },
    },
  });
  const db = await testDatabase(t);
  // Without node-postgres models (db.sql undefined), as on PGlite.
  const records = recordServices(db.prisma, RESOURCES, usingPostgres ? undefined : db.sql);
  const created = await records.of(coordinators).create({ name: "Bez Pamięci" } as never);
  await records.of(coordinators).get(created.id);
  await records.of(coordinators).get(created.id);
  t.equal(held, 0);
});
