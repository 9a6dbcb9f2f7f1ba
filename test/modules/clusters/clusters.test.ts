import t from "tap";
import { testApp } from "../../helper.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { expectProblem } from "../../expect.ts";

const { app } = await testApp(t);
const post = (payload: unknown) => app.inject({ method: "POST", url: "/v1/clusters", payload: payload as object });
const get = (id: string, query = "", headers: Record<string, string> = {}) => app.inject({ method: "GET", url: `/v1/clusters/${id}${query}`, headers });
const patch = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: "PATCH", url: `/v1/clusters/${id}`, payload: payload as object, headers });
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";
const coordinator = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." });

t.test("create: trimmed, defaults, no embedded coordinator; validation", async (t) => {
  const res = await post({ name: "  Klaster Łódź–Gdańsk ŻEGLUGA ", shortName: "KŁG", coordinatorId: coordinator.id, foundingAgreementDate: "2012-12-20" });
  t.equal(res.statusCode, 201);
  const body = res.json();
  t.equal(body.name, "Klaster Łódź–Gdańsk ŻEGLUGA", "trimmed, diacritics intact");
  t.same(body.sectors, [], "sectors default to []");
  t.equal(body.description, null);
  t.equal(body.foundingAgreementDate, "2012-12-20", "returned as the same YYYY-MM-DD string");
  t.equal(body.coordinatorId, coordinator.id);
  t.notOk("coordinator" in body, "no embedded coordinator unless asked");
  expectProblem(t, await post({ name: "Bez koordynatora" }), 400, "validation_failed", ["/coordinatorId"]);
  expectProblem(t, await post({ name: "K", coordinatorId: "abc" }), 400, "validation_failed", ["/coordinatorId"]);
  expectProblem(t, await post({ name: "K", coordinatorId: coordinator.id, members: [] }), 400, "validation_failed", ["/members"]);
});

t.test("a coordinatorId that names no coordinator is 422 reference_not_found, on create and on PATCH", async (t) => {
  const created = expectProblem(t, await post({ name: "Sierota", coordinatorId: UNKNOWN_ID }), 422, "reference_not_found", ["/coordinatorId"]);
  t.notMatch(created.detail, /fkey|constraint|prisma/i);
  const list = await app.inject({ method: "GET", url: "/v1/clusters?q=sierota" });
  t.same(list.json().data, [], "nothing was created");
  const c = await createCluster(app, { coordinatorId: coordinator.id });
  expectProblem(t, await patch(c.id, { coordinatorId: UNKNOWN_ID }, { "if-match": `"${c.id}.v1"` }), 422, "reference_not_found", ["/coordinatorId"]);
  const after = (await get(c.id)).json();
  t.equal(after.version, 1, "unchanged");
  t.equal(after.coordinatorId, coordinator.id);
  const other = await createCoordinator(app);
  const moved = await patch(c.id, { coordinatorId: other.id }, { "if-match": `"${c.id}.v1"` });
  t.equal(moved.statusCode, 200);
  t.equal(moved.json().coordinatorId, other.id);
});

t.test("shortName is unique: 409 conflict naming /shortName", async (t) => {
  await createCluster(app, { shortName: "LTPP", coordinatorId: coordinator.id });
  expectProblem(t, await post({ name: "Drugi LTPP", shortName: "LTPP", coordinatorId: coordinator.id }), 409, "conflict", ["/shortName"]);
  expectProblem(t, await post({ name: "Trzeci LTPP", shortName: " LTPP ", coordinatorId: coordinator.id }), 409, "conflict", ["/shortName"]);
  const other = await createCluster(app, { shortName: "INNY", coordinatorId: coordinator.id });
  expectProblem(t, await patch(other.id, { shortName: "LTPP" }, { "if-match": "*" }), 409, "conflict", ["/shortName"]);
  t.equal((await get(other.id)).json().shortName, "INNY");
  const two = await post({ name: "Bez skrótu 1", coordinatorId: coordinator.id });
  const three = await post({ name: "Bez skrótu 2", coordinatorId: coordinator.id });
  t.equal(two.statusCode, 201, "many clusters may have no short name");
  t.equal(three.statusCode, 201);
});

t.test("sectors: no duplicates (ignoring case), no empty entries", async (t) => {
  const ok = await post({ name: "Sektory", coordinatorId: coordinator.id, sectors: ["logistyka", "Transport", "żegluga"] });
  t.equal(ok.statusCode, 201);
  t.same(ok.json().sectors, ["logistyka", "Transport", "żegluga"], "order and spelling kept");
  expectProblem(t, await post({ name: "K", coordinatorId: coordinator.id, sectors: ["logistyka", "logistyka"] }), 400, "validation_failed", ["/sectors"]);
  expectProblem(t, await post({ name: "K", coordinatorId: coordinator.id, sectors: ["Logistyka", "logistyka"] }), 400, "validation_failed", ["/sectors"]);
  expectProblem(t, await post({ name: "K", coordinatorId: coordinator.id, sectors: ["logistyka", " "] }), 400, "validation_failed", ["/sectors/1"]);
  expectProblem(t, await post({ name: "K", coordinatorId: coordinator.id, sectors: "logistyka" }), 400, "validation_failed", ["/sectors"]);
  const thirty = Array.from({ length: 30 }, (_, i) => `sektor ${i}`);
  t.equal((await post({ name: "Trzydzieści sektorów", coordinatorId: coordinator.id, sectors: thirty })).statusCode, 201, "30 sectors");
  const tooMany = expectProblem(t, await post({ name: "K", coordinatorId: coordinator.id, sectors: [...thirty, "jeszcze jeden"] }), 400, "validation_failed", [
    "/sectors",
  ]);
  t.strictSame(tooMany.errors!.map((e) => e.message), ["must list at most 30 sectors"]);
  expectProblem(t, await post({ name: "K", coordinatorId: coordinator.id, sectors: ["x".repeat(101)] }), 400, "validation_failed", ["/sectors/0"]);
  t.equal((await post({ name: "Długi sektor", coordinatorId: coordinator.id, sectors: ["x".repeat(100)] })).statusCode, 201, "100 characters");
  const c = ok.json();
  expectProblem(t, await patch(c.id, { sectors: ["porty", "porty"] }, { "if-match": `"${c.id}.v1"` }), 400, "validation_failed", ["/sectors"]);
  const replaced = await patch(c.id, { sectors: ["porty"] }, { "if-match": `"${c.id}.v1"` });
  t.equal(replaced.statusCode, 200);
  t.same(replaced.json().sectors, ["porty"], "an array in a merge patch replaces the whole array");
});

t.test("foundingAgreementDate is a real YYYY-MM-DD date", async (t) => {
  for (const date of ["2013-02-30", "20.12.2012", "2012-12-20T00:00:00Z", "2012-13-01", "12-12-20"]) {
    expectProblem(t, await post({ name: "K", coordinatorId: coordinator.id, foundingAgreementDate: date }), 400, "validation_failed", [
      "/foundingAgreementDate",
    ]);
  }
  const leap = await post({ name: "Przestępny", coordinatorId: coordinator.id, foundingAgreementDate: "2012-02-29" });
  t.equal(leap.statusCode, 201);
  t.equal(leap.json().foundingAgreementDate, "2012-02-29");
  t.equal((await get(leap.json().id)).json().foundingAgreementDate, "2012-02-29", "no time-zone shift on the way back");
  const cleared = await patch(leap.json().id, { foundingAgreementDate: null }, { "if-match": `"${leap.json().id}.v1"` });
  t.equal(cleared.json().foundingAgreementDate, null);
});

t.test("GET: include=coordinator embeds it, with an ETag that covers it; include=bogus is a 400", async (t) => {
  const c = await createCluster(app, { coordinatorId: coordinator.id });
  const embedded = await get(c.id, "?include=coordinator");
  t.equal(embedded.statusCode, 200);
  t.equal(embedded.json().coordinator.id, coordinator.id);
  t.equal(embedded.json().coordinator.name, "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.");
  t.equal(embedded.json().coordinator.version, 1);
  // The embedded coordinator is part of the representation: its ETag differs from the plain one and moves with it.
  const embeddedEtag = embedded.headers.etag as string;
  t.match(embeddedEtag, new RegExp(`^"${c.id}\\.v1\\+[\\w-]{16}"$`));
  t.equal((await get(c.id, "?include=coordinator", { "if-none-match": embeddedEtag })).statusCode, 304);
  t.equal((await get(c.id, "?include=coordinator", { "if-none-match": `"${c.id}.v1"` })).statusCode, 200, "the plain ETag does not validate the embedded form");
  const coordinatorEtag = (await app.inject({ method: "GET", url: `/v1/coordinators/${coordinator.id}` })).headers.etag as string;
  const renamed = await app.inject({
    method: "PATCH",
    url: `/v1/coordinators/${coordinator.id}`,
    headers: { "if-match": coordinatorEtag },
    payload: { shortName: `ZNIK-${c.id.slice(-4)}` },
  });
  t.equal(renamed.statusCode, 200);
  const afterChange = await get(c.id, "?include=coordinator", { "if-none-match": embeddedEtag });
  t.equal(afterChange.statusCode, 200, "a change to the embedded coordinator invalidates the ETag");
  t.not(afterChange.headers.etag, embeddedEtag);
  coordinator.version = renamed.json().version;
  expectProblem(t, await get(c.id, "?include=bogus"), 400, "validation_failed", ["/include"]);
  expectProblem(t, await get(c.id, "?include=coordinator,bogus"), 400, "validation_failed", ["/include"]);
  expectProblem(t, await get(c.id, "?limit=3"), 400, "validation_failed", ["/limit"]);
});

t.test("PATCH: merge semantics", async (t) => {
  const c = await createCluster(app, { coordinatorId: coordinator.id, description: "Opis", sectors: ["logistyka"], shortName: "PATCHME" });
  const res = await patch(c.id, { name: "Nowa nazwa", description: null }, { "if-match": `"${c.id}.v1"` });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.name, "Nowa nazwa");
  t.equal(body.description, null, "null clears");
  t.same(body.sectors, ["logistyka"], "untouched fields kept");
  t.equal(body.shortName, "PATCHME");
  expectProblem(t, await patch(c.id, { name: null }, { "if-match": `"${c.id}.v2"` }), 400, "validation_failed", ["/name"]);
  expectProblem(t, await patch(c.id, { coordinatorId: null }, { "if-match": `"${c.id}.v2"` }), 400, "validation_failed", ["/coordinatorId"]);
  expectProblem(t, await patch(c.id, { version: 5 }, { "if-match": `"${c.id}.v2"` }), 400, "validation_failed", ["/version"]);
  t.equal((await get(c.id)).json().version, 2, "failed PATCHes changed nothing");
});
