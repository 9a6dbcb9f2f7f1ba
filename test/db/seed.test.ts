// The demo data: the LTPP cluster and its coordinator, loaded once however often the seed runs, readable
// through the API with every Polish character intact.
import t from "tap";
import { seedDemoData } from "../../src/db/seed.ts";
import { resetDatabase, testApp } from "../helper.ts";

const COORDINATOR_NAME = "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.";

t.test("demo data", async (t) => {
  const { app, db } = await testApp(t);

  /** Rows per table, for every table the API writes. */
  const tableCounts = async () => {
    const tables = await db.prisma.$queryRawUnsafe<Array<{ name: string }>>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY table_name`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      const [row] = await db.prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${name}"`);
      counts[name] = row!.n;
    }
    return counts;
  };

  t.test("seeding twice creates one coordinator and one cluster", async (t) => {
    await resetDatabase(db);
    t.match(await seedDemoData(db.prisma), /^created 1 coordinator, 1 cluster\b/);
    const before = await tableCounts();
    t.equal(await seedDemoData(db.prisma), "nothing new: already present");
    t.equal(await db.prisma.coordinator.count(), 1);
    t.equal(await db.prisma.cluster.count(), 1);
    t.same(await tableCounts(), before, "the second run adds no row to any table");
  });

  t.test("the LTPP cluster and its coordinator through the API", async (t) => {
    await resetDatabase(db);
    await seedDemoData(db.prisma);
    await seedDemoData(db.prisma);

    const response = await app.inject({ method: "GET", url: "/v1/clusters?include=coordinator" });
    t.equal(response.statusCode, 200);
    t.equal(response.headers["content-type"], "application/json; charset=utf-8");
    const page = response.json();
    t.equal(page.data.length, 1, "one cluster");
    t.equal(page.nextCursor, null);
    const [cluster] = page.data;
    t.equal(cluster.name, "Klaster LTPP");
    t.equal(cluster.shortName, "LTPP");
    t.same(cluster.sectors, ["logistyka", "transport", "dystrybucja"]);
    t.match(cluster.description, /pomorskiego biznesu, nauki i samorządów/);
    t.equal(cluster.version, 1);
    t.equal(cluster.coordinatorId, cluster.coordinator.id);

    const coordinator = cluster.coordinator;
    t.equal(coordinator.name, COORDINATOR_NAME, "Polish characters intact");
    t.equal(Buffer.from(coordinator.name, "utf8").toString("hex"), Buffer.from(COORDINATOR_NAME.normalize("NFC"), "utf8").toString("hex"), "byte for byte, NFC");
    t.ok(coordinator.name.includes("ą"), "ą is still ą");
    t.equal(coordinator.legalForm, "limited_liability_company");
    t.same(coordinator.address, { street: null, postalCode: null, city: "Gdańsk", country: "PL" });
    t.equal(coordinator.mandateBasis, "Porozumienie Klastra");

    const coordinators = await app.inject({ method: "GET", url: "/v1/coordinators" });
    t.same(
      coordinators.json().data.map((c: { id: string }) => c.id),
      [coordinator.id],
      "one coordinator",
    );

    // Seeded through the services, so the search text is filled in like any API write.
    const byName = await app.inject({ method: "GET", url: `/v1/coordinators?q=${encodeURIComponent("zarzad NADBALTYCKICH")}` });
    t.same(
      byName.json().data.map((c: { id: string }) => c.id),
      [coordinator.id],
      "found ignoring case and diacritics",
    );
    const bySector = await app.inject({ method: "GET", url: "/v1/clusters?sector=dystrybucja" });
    t.same(
      bySector.json().data.map((c: { id: string }) => c.id),
      [cluster.id],
    );
    const byCity = await app.inject({ method: "GET", url: "/v1/coordinators?q=gdansk" });
    t.equal(byCity.json().data.length, 1);
  });

  t.test("a partly present demo data set is completed, not duplicated", async (t) => {
    await resetDatabase(db);
    // Someone created the coordinator by hand (as a client would) before the first seed.
    const created = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: COORDINATOR_NAME, address: { city: "Gdańsk" } } });
    t.equal(created.statusCode, 201);
    t.match(await seedDemoData(db.prisma), /^created 1 cluster\b/, "the existing coordinator is reused, not created again");
    t.equal(await db.prisma.coordinator.count(), 1);
    const cluster = await db.prisma.cluster.findUnique({ where: { shortName: "LTPP" } });
    t.equal(cluster?.coordinatorId, created.json().id);
  });
});
