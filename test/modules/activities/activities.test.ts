import t from "tap";
import { testApp } from "../../helper.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { createActivity, createMediaPartner } from "../../fixtures/activities.ts";
import { expectProblem } from "../../expect.ts";

const { app, db } = await testApp(t);
const post = (payload: unknown) => app.inject({ method: "POST", url: "/v1/activities", payload: payload as object });
const get = (id: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url: `/v1/activities/${id}`, headers });
const patch = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: "PATCH", url: `/v1/activities/${id}`, payload: payload as object, headers });
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";

const coordinator = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." });
const cluster = await createCluster(app, { name: "Klaster LTPP", shortName: "LTPP", coordinatorId: coordinator.id });
const base = { coordinatorId: coordinator.id, category: "strategy", status: "completed" };

t.test("create: year from startDate, empty links", async (t) => {
  const res = await post({
    ...base,
    clusterId: cluster.id,
    title: "Rozpoczęto i zakończono prace nad Strategią dla Klastra",
    startDate: "2013-05-10",
    endDate: "2013-09-20",
  });
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.strictSame(
    { ...body, id: undefined, createdAt: undefined, updatedAt: undefined },
    {
      id: undefined,
      coordinatorId: coordinator.id,
      clusterId: cluster.id,
      title: "Rozpoczęto i zakończono prace nad Strategią dla Klastra",
      description: null,
      category: "strategy",
      status: "completed",
      year: 2013,
      startDate: "2013-05-10",
      endDate: "2013-09-20",
      mediaPartnerIds: [],
      meetingIds: [],
      grantApplicationIds: [],
      publicationIds: [],
      version: 1,
      createdAt: undefined,
      updatedAt: undefined,
    },
  );

  const undated = await post({ ...base, title: "Porozumienie Klastra", year: 2012 });
  t.equal(undated.statusCode, 201, "a year without dates is enough");
  t.same([undated.json().year, undated.json().startDate, undated.json().endDate, undated.json().clusterId], [2012, null, null, null]);
  const spanning = await post({ ...base, title: "Wniosek MEWA", year: 2013, startDate: "2012-11-16", endDate: "2014-02-01" });
  t.equal(spanning.statusCode, 201, "the log year may be any year the dates span");
  t.equal(spanning.json().year, 2013);
});

t.test("Polish text round-trips exactly; text is NFC-normalised and trimmed", async (t) => {
  const title = "Zażółć gęślą jaźń ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż";
  const description = "Spotkanie w budynku „Oliwia Gate” w Oliwie – analiza PEST";
  const res = await post({ ...base, title, description, year: 2013 });
  t.equal(res.statusCode, 201);
  t.ok(res.rawPayload.includes(Buffer.from("ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż", "utf8")), "sent as UTF-8");
  const got = (await get(res.json().id)).json();
  t.equal(got.title, title);
  t.equal(got.description, description);
  const decomposed = await post({ ...base, title: "  Promocja w mediach: Gdan\u0301sk\t", year: 2013 });
  t.equal(decomposed.statusCode, 201);
  t.equal((await get(decomposed.json().id)).json().title, "Promocja w mediach: Gda\u0144sk", "stored normalised and trimmed");
});

t.test("validation: required fields, enums, dates and the log year, with exact paths", async (t) => {
  expectProblem(t, await post({}), 400, "validation_failed", ["/coordinatorId", "/title", "/category", "/status"]);
  expectProblem(t, await post({ ...base, title: "   ", year: 2013 }), 400, "validation_failed", ["/title"]);
  expectProblem(t, await post({ ...base, title: "X", year: 2013, category: "strategia" }), 400, "validation_failed", ["/category"]);
  expectProblem(t, await post({ ...base, title: "X", year: 2013, status: "done" }), 400, "validation_failed", ["/status"]);
  expectProblem(t, await post({ ...base, title: "X", year: 2013, coordinatorId: "abc" }), 400, "validation_failed", ["/coordinatorId"]);
  expectProblem(t, await post({ ...base, title: "X", year: 2013, startDate: "10.05.2013" }), 400, "validation_failed", ["/startDate"]);
  expectProblem(t, await post({ ...base, title: "X", year: 2013, endDate: "2013-02-30" }), 400, "validation_failed", ["/endDate"]);
  expectProblem(t, await post({ ...base, title: "X", year: 1800 }), 400, "validation_failed", ["/year"]);
  expectProblem(t, await post({ ...base, title: "X", year: 2013.5 }), 400, "validation_failed", ["/year"]);
  expectProblem(t, await post({ ...base, title: "X", year: "2013" }), 400, "validation_failed", ["/year"]); // JSON numbers only
  expectProblem(t, await post({ ...base, title: "X", year: 2013, bogus: 1 }), 400, "validation_failed", ["/bogus"]);
  expectProblem(t, await post({ ...base, title: "X", year: 2013, meetingIds: [] }), 400, "validation_failed", ["/meetingIds"]);

  const noYear = expectProblem(t, await post({ ...base, title: "Bez roku" }), 400, "validation_failed", ["/year"]);
  t.match(noYear.errors?.[0]?.message, /startDate/);
  expectProblem(t, await post({ ...base, title: "Bez roku", year: null, endDate: "2013-09-20" }), 400, "validation_failed", ["/year"]);
  const backwards = expectProblem(t, await post({ ...base, title: "X", startDate: "2013-09-20", endDate: "2013-05-10" }), 400, "validation_failed", [
    "/endDate",
  ]);
  t.match(backwards.errors?.[0]?.message, /before startDate/);
  t.equal((await post({ ...base, title: "Jednodniowe", startDate: "2013-05-10", endDate: "2013-05-10" })).statusCode, 201, "one-day activity");
  expectProblem(t, await post({ ...base, title: "X", year: 2012, startDate: "2013-05-10", endDate: "2013-09-20" }), 400, "validation_failed", ["/year"]);
  expectProblem(t, await post({ ...base, title: "X", year: 2014, startDate: "2013-05-10", endDate: "2013-09-20" }), 400, "validation_failed", ["/year"]);
  expectProblem(t, await post({ ...base, title: "X", year: 2012, startDate: "2013-05-10" }), 400, "validation_failed", ["/year"]);
  expectProblem(t, await post({ ...base, title: "X", year: 2014, endDate: "2013-09-20" }), 400, "validation_failed", ["/year"]);
  t.equal((await post({ ...base, title: "Trwa", year: 2014, startDate: "2013-05-10", status: "in_progress" })).statusCode, 201, "no end: any later year");

  const partner = await createMediaPartner(db);
  expectProblem(t, await post({ ...base, title: "X", year: 2013, mediaPartnerIds: ["nope"] }), 400, "validation_failed", ["/mediaPartnerIds/0"]);
  expectProblem(t, await post({ ...base, title: "X", year: 2013, mediaPartnerIds: partner.id }), 400, "validation_failed", ["/mediaPartnerIds"]);
  const repeated = [partner.id, UNKNOWN_ID, partner.id.toUpperCase()];
  expectProblem(t, await post({ ...base, title: "X", year: 2013, mediaPartnerIds: repeated }), 400, "validation_failed", ["/mediaPartnerIds/2"]);
});

t.test("references must exist: 422 naming each missing one, and nothing is written", async (t) => {
  const count = () => db.prisma.activity.count();
  const before = await count();
  const partner = await createMediaPartner(db);
  const otherUnknown = "01900000-0000-7000-8000-000000000001";
  const one = expectProblem(t, await post({ ...base, coordinatorId: UNKNOWN_ID, title: "X", year: 2013 }), 422, "reference_not_found", ["/coordinatorId"]);
  t.match(one.detail, /coordinator/);
  expectProblem(t, await post({ ...base, clusterId: UNKNOWN_ID, title: "X", year: 2013 }), 422, "reference_not_found", ["/clusterId"]);
  expectProblem(t, await post({ ...base, title: "X", year: 2013, mediaPartnerIds: [partner.id, UNKNOWN_ID, otherUnknown] }), 422, "reference_not_found", [
    "/mediaPartnerIds/1",
    "/mediaPartnerIds/2",
  ]);
  expectProblem(t, await post({ ...base, coordinatorId: UNKNOWN_ID, clusterId: UNKNOWN_ID, title: "X", year: 2013 }), 422, "reference_not_found", [
    "/coordinatorId",
    "/clusterId",
  ]);
  t.equal(await count(), before, "no activity was created");
  t.equal(await db.prisma.activityMediaPartner.count({ where: { mediaPartnerId: partner.id } }), 0, "no link was created");
});

t.test("GET: the ETag covers the derived ids", async (t) => {
  const a = await createActivity(app, { coordinatorId: coordinator.id });
  // meetingIds & co. are derived from other records, so the ETag covers the body: "<id>.v1+<digest>".
  const etag = (await get(a.id)).headers.etag as string;
  const cached = await get(a.id, { "if-none-match": etag });
  t.equal(cached.statusCode, 304);
  t.equal(cached.body, "");
  t.equal((await get(a.id, { "if-none-match": `"${a.id}.v1"` })).statusCode, 200, "the record-only tag does not cover the derived ids");
  await db.prisma.meeting.create({ data: { title: "Spotkanie", date: new Date("2013-05-10"), format: "workshop", activityId: a.id } });
  const linked = await get(a.id, { "if-none-match": etag });
  t.equal(linked.statusCode, 200, "a newly linked meeting changes the ETag although the activity's version did not move");
  t.equal(linked.json().version, 1);
  t.equal(linked.json().meetingIds.length, 1);
  expectProblem(t, await app.inject({ method: "GET", url: `/v1/activities/${a.id}?include=participants` }), 400, "validation_failed", ["/include"]);
});

t.test("GET include=coordinator,cluster embeds them", async (t) => {
  const a = await createActivity(app, { coordinatorId: coordinator.id, clusterId: cluster.id });
  const plain = (await get(a.id)).json();
  t.notOk("coordinator" in plain);
  t.notOk("cluster" in plain);
  const res = await app.inject({ method: "GET", url: `/v1/activities/${a.id}?include=coordinator,cluster` });
  t.equal(res.statusCode, 200);
  t.equal(res.json().coordinator.name, "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.");
  t.equal(res.json().cluster.shortName, "LTPP");
  t.equal(res.json().cluster.id, cluster.id);
  const onlyCluster = (await app.inject({ method: "GET", url: `/v1/activities/${a.id}?include=cluster` })).json();
  t.notOk("coordinator" in onlyCluster);
  t.equal(onlyCluster.cluster.name, "Klaster LTPP");
  const withoutCluster = await createActivity(app, { coordinatorId: coordinator.id });
  const embedded = (await app.inject({ method: "GET", url: `/v1/activities/${withoutCluster.id}?include=cluster` })).json();
  t.equal(embedded.cluster, null, "no cluster: null when asked for");
});

t.test("PATCH is a merge patch validated as a whole, with the date rules and references", async (t) => {
  const a = await createActivity(app, { coordinatorId: coordinator.id, description: "Opis", year: undefined, startDate: "2013-05-10", endDate: "2013-09-20" });
  t.equal(a.year, 2013);
  let etag = `"${a.id}.v1"`;
  const step = async (payload: unknown) => {
    const res = await app.inject({
      method: "PATCH",
      url: `/v1/activities/${a.id}`,
      payload: JSON.stringify(payload),
      headers: { "if-match": etag, "content-type": "application/merge-patch+json" },
    });
    if (res.statusCode === 200) etag = res.headers.etag as string;
    return res;
  };
  const cleared = await step({ description: null, clusterId: cluster.id });
  t.equal(cleared.statusCode, 200);
  t.equal(cleared.json().description, null, "null clears");
  t.equal(cleared.json().clusterId, cluster.id);
  t.equal(cleared.json().title, a.title, "untouched fields kept");

  const before = (await get(a.id)).json();
  expectProblem(t, await step({ title: null }), 400, "validation_failed", ["/title"]);
  expectProblem(t, await step({ category: null }), 400, "validation_failed", ["/category"]);
  expectProblem(t, await step({ endDate: "2013-05-01" }), 400, "validation_failed", ["/endDate"]);
  expectProblem(t, await step({ startDate: "2014-01-15", endDate: "2014-03-01" }), 400, "validation_failed", ["/year"]);
  expectProblem(t, await step({ startDate: null, year: null }), 400, "validation_failed", ["/year"]);
  expectProblem(t, await step({ coordinatorId: UNKNOWN_ID }), 422, "reference_not_found", ["/coordinatorId"]);
  expectProblem(t, await step({ clusterId: UNKNOWN_ID }), 422, "reference_not_found", ["/clusterId"]);
  expectProblem(t, await step({ publicationIds: [] }), 400, "validation_failed", ["/publicationIds"]);
  t.strictSame((await get(a.id)).json(), before, "failed PATCHes changed nothing, not even the version");

  const moved = await step({ startDate: "2014-01-15", endDate: "2014-03-01", year: null });
  t.equal(moved.statusCode, 200, "year: null re-derives the log year from startDate");
  t.equal(moved.json().year, 2014);
  const undated = await step({ startDate: null, endDate: null, clusterId: null });
  t.equal(undated.statusCode, 200);
  t.same([undated.json().year, undated.json().startDate, undated.json().endDate, undated.json().clusterId], [2014, null, null, null]);
  const other = await createCoordinator(app);
  const reassigned = await step({ coordinatorId: other.id });
  t.equal(reassigned.json().coordinatorId, other.id);
  t.equal(reassigned.json().version, before.version + 3);
});

t.test("mediaPartnerIds: linked on create, replaced as a whole by PATCH, checked on the way", async (t) => {
  const [portalA, portalB, portalC] = [
    await createMediaPartner(db, { name: "pracujwlogistyce.pl" }),
    await createMediaPartner(db, { name: "wiadomosci24.pl" }),
    await createMediaPartner(db, { name: "gospodarkamorska.pl" }),
  ];
  const sorted = (ids: string[]) => [...ids].sort();
  const created = await post({ ...base, category: "promotion", title: "Promocja w mediach", year: 2013, mediaPartnerIds: [portalB.id, portalA.id] });
  t.equal(created.statusCode, 201);
  const a = created.json();
  t.same(sorted(a.mediaPartnerIds), sorted([portalA.id, portalB.id]));
  t.same(sorted((await get(a.id)).json().mediaPartnerIds), sorted([portalA.id, portalB.id]));
  t.equal(await db.prisma.activityMediaPartner.count({ where: { activityId: a.id } }), 2);

  const replaced = await patch(a.id, { mediaPartnerIds: [portalC.id, portalA.id] }, { "if-match": `"${a.id}.v1"` });
  t.equal(replaced.statusCode, 200);
  t.same(sorted(replaced.json().mediaPartnerIds), sorted([portalA.id, portalC.id]), "the whole list is replaced");
  t.equal(replaced.json().version, 2, "a change of links is a change of the record");
  const rows = await db.prisma.activityMediaPartner.findMany({ where: { activityId: a.id } });
  t.same(sorted(rows.map((row) => row.mediaPartnerId)), sorted([portalA.id, portalC.id]));

  expectProblem(t, await patch(a.id, { mediaPartnerIds: [portalA.id, UNKNOWN_ID] }, { "if-match": `"${a.id}.v2"` }), 422, "reference_not_found", [
    "/mediaPartnerIds/1",
  ]);
  expectProblem(t, await patch(a.id, { mediaPartnerIds: [portalA.id, portalA.id] }, { "if-match": `"${a.id}.v2"` }), 400, "validation_failed", [
    "/mediaPartnerIds/1",
  ]);
  t.same(sorted((await get(a.id)).json().mediaPartnerIds), sorted([portalA.id, portalC.id]), "unchanged after the refusals");
  t.equal((await get(a.id)).json().version, 2);

  const cleared = await patch(a.id, { mediaPartnerIds: null }, { "if-match": `"${a.id}.v2"` });
  t.equal(cleared.statusCode, 200);
  t.same(cleared.json().mediaPartnerIds, []);
  t.equal(await db.prisma.activityMediaPartner.count({ where: { activityId: a.id } }), 0);
});
