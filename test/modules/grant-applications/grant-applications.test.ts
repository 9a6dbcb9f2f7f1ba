import t from "tap";
import { testApp } from "../../helper.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { createActivityRow, createGrantApplication, createOrganizationRow, transition, walk } from "../../fixtures/grant-applications.ts";
import { expectProblem } from "../../expect.ts";

const { app, db } = await testApp(t);
const post = (payload: unknown) => app.inject({ method: "POST", url: "/v1/grant-applications", payload: payload as object });
const get = (id: string, query = "", headers: Record<string, string> = {}) => app.inject({ method: "GET", url: `/v1/grant-applications/${id}${query}`, headers });
const patch = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: "PATCH", url: `/v1/grant-applications/${id}`, payload: payload as object, headers });
const del = (id: string, headers: Record<string, string> = {}) => app.inject({ method: "DELETE", url: `/v1/grant-applications/${id}`, headers });
const history = (id: string) => app.inject({ method: "GET", url: `/v1/grant-applications/${id}/status-history` });
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";

const applicant = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o." });
const fundingBody = await createOrganizationRow(db, { name: "Zarząd Województwa Pomorskiego", kind: "government" });
const wsb = await createOrganizationRow(db, { name: "Wyższa Szkoła Bankowa w Gdańsku", kind: "science" });
const klastryPolskie = await createOrganizationRow(db, { name: "Związek Pracodawców Klastry Polskie", kind: "ngo" });

t.test("create: a draft with its first history entry", async (t) => {
  const res = await post({ title: "Wniosek MEWA", applicantId: applicant.id });
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.strictSame(
    { ...body, id: undefined, createdAt: undefined, updatedAt: undefined },
    {
      id: undefined,
      title: "Wniosek MEWA",
      callName: null,
      programme: null,
      fundingBodyId: null,
      applicantId: applicant.id,
      clusterId: null,
      activityId: null,
      partners: [],
      submittedOn: null,
      requestedAmount: null,
      awardedAmount: null,
      inKindSupport: null,
      evaluation: null,
      decision: null,
      status: "draft",
      statusChangedOn: null,
      allowedTransitions: ["submitted", "withdrawn"],
      version: 1,
      createdAt: undefined,
      updatedAt: undefined,
    },
  );
  const entries = (await history(body.id)).json().data;
  t.equal(entries.length, 1);
  t.strictSame({ ...entries[0], id: undefined, createdAt: undefined }, { id: undefined, from: null, to: "draft", on: null, note: null, createdAt: undefined });
});

t.test("every field round-trips: partners in order, money, decimals as strings, Polish text", async (t) => {
  const cluster = await createCluster(app, { coordinatorId: applicant.id, name: "Klaster LTPP" });
  const activity = await createActivityRow(db, applicant.id, { title: "Wniosek MEWA", year: 2013 });
  const res = await post({
    title: "  Procesy adaptacyjne sektora komunikacji miejskiej – MEWA ",
    callName: "Projekty międzynarodowe",
    programme: "Program Regionu Morza Bałtyckiego",
    fundingBodyId: fundingBody.id,
    applicantId: applicant.id,
    clusterId: cluster.id,
    activityId: activity.id,
    partners: [{ organizationId: wsb.id, role: "współwnioskodawca" }, { organizationId: klastryPolskie.id }],
    submittedOn: "2013-10-01",
    requestedAmount: { amount: 125000, currency: "EUR" },
    awardedAmount: { amount: "99.5" },
    inKindSupport: "Zażółć gęślą jaźń – narzędzia na tworzenie strategii",
    evaluation: { score: "99.50", maxScore: 100, rank: 2, rankOutOf: 12, notes: "Ocena pozytywna" },
    decision: { date: "2013-12-20" },
  });
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.equal(body.title, "Procesy adaptacyjne sektora komunikacji miejskiej – MEWA", "trimmed");
  t.strictSame(body.partners, [
    { organizationId: wsb.id, role: "współwnioskodawca" },
    { organizationId: klastryPolskie.id, role: "partner" },
  ]);
  t.strictSame(body.requestedAmount, { amount: "125000.00", currency: "EUR" });
  t.strictSame(body.awardedAmount, { amount: "99.50", currency: "PLN" }, "currency defaults to PLN");
  t.strictSame(body.evaluation, { score: "99.5", maxScore: "100", rank: 2, rankOutOf: 12, notes: "Ocena pozytywna" });
  t.strictSame(body.decision, { reference: null, date: "2013-12-20", body: null }, "an object as soon as one member is known");
  t.equal(body.inKindSupport, "Zażółć gęślą jaźń – narzędzia na tworzenie strategii");
  t.equal(body.fundingBodyId, fundingBody.id);
  t.equal(body.clusterId, cluster.id);
  t.equal(body.activityId, activity.id);
  t.equal(body.submittedOn, "2013-10-01");
  t.strictSame((await get(body.id)).json(), body);
  t.ok(res.rawPayload.includes(Buffer.from("gęślą jaźń", "utf8")), "UTF-8 on the wire");

  const reversed = await post({ title: "Kolejność", applicantId: applicant.id, partners: [{ organizationId: klastryPolskie.id }, { organizationId: wsb.id }] });
  t.strictSame(reversed.json().partners.map((p: { organizationId: string }) => p.organizationId), [klastryPolskie.id, wsb.id], "order is the one sent");
  const empty = await post({ title: "Puste grupy", applicantId: applicant.id, evaluation: {}, decision: { reference: null } });
  t.equal(empty.json().evaluation, null);
  t.equal(empty.json().decision, null);
});

t.test("validation errors name each field", async (t) => {
  const base = { title: "W", applicantId: applicant.id };
  expectProblem(t, await post({}), 400, "validation_failed", ["/title", "/applicantId"]);
  expectProblem(t, await post({ ...base, status: "approved" }), 400, "validation_failed", ["/status"]);
  expectProblem(t, await post({ ...base, statusChangedOn: "2012-12-20" }), 400, "validation_failed", ["/statusChangedOn"]);
  expectProblem(t, await post({ ...base, evaluation: { score: "100.5", maxScore: "100" } }), 400, "validation_failed", ["/evaluation/score"]);
  expectProblem(t, await post({ ...base, evaluation: { rank: 5, rankOutOf: 4 } }), 400, "validation_failed", ["/evaluation/rank"]);
  for (const score of ["-1", "99.555", "abc", "1234567"]) {
    expectProblem(t, await post({ ...base, evaluation: { score } }), 400, "validation_failed", ["/evaluation/score"]);
  }
  expectProblem(t, await post({ ...base, evaluation: { rank: 0, rankOutOf: 1.5 } }), 400, "validation_failed", ["/evaluation/rank", "/evaluation/rankOutOf"]);
  expectProblem(t, await post({ ...base, evaluation: { bogus: 1 } }), 400, "validation_failed", ["/evaluation/bogus"]);
  expectProblem(t, await post({ ...base, decision: { date: "2012-02-30" } }), 400, "validation_failed", ["/decision/date"]);
  expectProblem(t, await post({ ...base, submittedOn: "16.11.2012" }), 400, "validation_failed", ["/submittedOn"]);
  expectProblem(t, await post({ ...base, requestedAmount: { amount: "12.345" } }), 400, "validation_failed", ["/requestedAmount/amount"]);
  expectProblem(t, await post({ ...base, awardedAmount: { amount: "1", currency: "zł" } }), 400, "validation_failed", ["/awardedAmount/currency"]);
  expectProblem(t, await post({ ...base, partners: [{ organizationId: wsb.id }, { organizationId: klastryPolskie.id }, { organizationId: wsb.id }] }), 400, "validation_failed", [
    "/partners/2/organizationId",
  ]);
  expectProblem(t, await post({ ...base, partners: [{ organizationId: wsb.id, role: " " }] }), 400, "validation_failed", ["/partners/0/role"]);
  expectProblem(t, await post({ ...base, partners: [{ organizationId: "x" }] }), 400, "validation_failed", ["/partners/0/organizationId"]);
});

t.test("missing references are 422s naming every field; nothing is written", async (t) => {
  const before = await db.prisma.grantApplication.count();
  const base = { title: "W", applicantId: applicant.id };
  expectProblem(t, await post({ ...base, applicantId: UNKNOWN_ID }), 422, "reference_not_found", ["/applicantId"]);
  expectProblem(t, await post({ ...base, fundingBodyId: applicant.id }), 422, "reference_not_found", ["/fundingBodyId"]);
  expectProblem(t, await post({ ...base, clusterId: UNKNOWN_ID }), 422, "reference_not_found", ["/clusterId"]);
  expectProblem(t, await post({ ...base, activityId: UNKNOWN_ID }), 422, "reference_not_found", ["/activityId"]);
  const body = expectProblem(t, await post({ ...base, fundingBodyId: UNKNOWN_ID, partners: [{ organizationId: wsb.id }, { organizationId: UNKNOWN_ID }] }), 422, "reference_not_found", [
    "/fundingBodyId",
    "/partners/1/organizationId",
  ]);
  t.match(body.detail, UNKNOWN_ID);
  t.equal(await db.prisma.grantApplication.count(), before, "no application was created");
});

t.test("GET: include=applicant,cluster", async (t) => {
  const cluster = await createCluster(app, { coordinatorId: applicant.id });
  const withCluster = await createGrantApplication(app, { applicantId: applicant.id, clusterId: cluster.id });
  const without = await createGrantApplication(app, { applicantId: applicant.id });
  const res = await get(withCluster.id, "?include=applicant,cluster");
  t.equal(res.statusCode, 200);
  t.equal(res.json().applicant.id, applicant.id);
  t.equal(res.json().applicant.name, "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.");
  t.equal(res.json().cluster.id, cluster.id);
  t.equal(res.json().cluster.name, cluster.name);
  const plain = (await get(withCluster.id)).json();
  t.notOk("applicant" in plain || "cluster" in plain, "nothing embedded without include");
  t.equal((await get(without.id, "?include=cluster")).json().cluster, null, "no cluster: null");
  expectProblem(t, await get(without.id, "?include=statusHistory"), 400, "validation_failed", ["/include"]);
});

t.test("PATCH: merge patch per member, partners replaced, read-only status", async (t) => {
  const g = await createGrantApplication(app, {
    applicantId: applicant.id,
    requestedAmount: { amount: "125000", currency: "PLN" },
    evaluation: { score: "80", maxScore: "100" },
    partners: [{ organizationId: wsb.id, role: "lider" }, { organizationId: klastryPolskie.id }],
  });
  let etag = `"${g.id}.v1"`;
  const step = async (payload: unknown) => {
    const res = await patch(g.id, payload, { "if-match": etag });
    if (res.statusCode === 200) etag = res.headers.etag as string;
    return res;
  };
  const first = await step({ evaluation: { score: "99.5", rank: 2 }, requestedAmount: { currency: "EUR" } });
  t.equal(first.statusCode, 200, first.body);
  t.strictSame(first.json().evaluation, { score: "99.5", maxScore: "100", rank: 2, rankOutOf: null, notes: null }, "evaluation merged member by member");
  t.strictSame(first.json().requestedAmount, { amount: "125000.00", currency: "EUR" }, "amount kept, currency changed");
  t.strictSame(first.json().partners, [{ organizationId: wsb.id, role: "lider" }, { organizationId: klastryPolskie.id, role: "partner" }], "untouched");

  const partners = await step({ partners: [{ organizationId: klastryPolskie.id, role: "lider" }] });
  t.strictSame(partners.json().partners, [{ organizationId: klastryPolskie.id, role: "lider" }], "the list is replaced as a whole");
  t.strictSame((await step({ partners: null })).json().partners, [], "null empties the list");

  const before = (await get(g.id)).json();
  expectProblem(t, await step({ status: "approved" }), 400, "validation_failed", ["/status"]);
  expectProblem(t, await step({ evaluation: { score: "100.01" } }), 400, "validation_failed", ["/evaluation/score"]);
  expectProblem(t, await step({ requestedAmount: { amount: null } }), 400, "validation_failed", ["/requestedAmount/amount"]);
  expectProblem(t, await step({ applicantId: null }), 400, "validation_failed", ["/applicantId"]);
  expectProblem(t, await step({ partners: [{ organizationId: wsb.id }, { organizationId: wsb.id }] }), 400, "validation_failed", ["/partners/1/organizationId"]);
  expectProblem(t, await step({ partners: [{ organizationId: UNKNOWN_ID }] }), 422, "reference_not_found", ["/partners/0/organizationId"]);
  expectProblem(t, await step({ fundingBodyId: UNKNOWN_ID }), 422, "reference_not_found", ["/fundingBodyId"]);
  t.strictSame((await get(g.id)).json(), before, "failed PATCHes changed nothing, not even the version");

  const cleared = await step({ evaluation: null, requestedAmount: null, decision: { reference: "Uchwała nr 1/2013" } });
  t.equal(cleared.json().evaluation, null);
  t.equal(cleared.json().requestedAmount, null);
  t.strictSame(cleared.json().decision, { reference: "Uchwała nr 1/2013", date: null, body: null });
});

t.test("DELETE: only a draft; otherwise 409 telling to withdraw", async (t) => {
  const draft = await createGrantApplication(app, { applicantId: applicant.id, partners: [{ organizationId: wsb.id }] });
  t.equal((await del(draft.id, { "if-match": `"${draft.id}.v1"` })).statusCode, 204);
  expectProblem(t, await history(draft.id), 404, "not_found");
  t.equal(await db.prisma.grantApplicationPartner.count({ where: { grantApplicationId: draft.id } }), 0, "its partners went with it");

  const submitted = await createGrantApplication(app, { applicantId: applicant.id });
  await walk(app, submitted.id, ["submitted"]);
  const body = expectProblem(t, await del(submitted.id, { "if-match": `"${submitted.id}.v2"` }), 409, "conflict");
  t.match(body.detail, /draft/);
  t.match(body.detail, /[Ww]ithdraw/);
  t.equal(body.currentStatus, "submitted");
  t.equal((await get(submitted.id)).json().status, "submitted", "still there");
  await walk(app, submitted.id, ["withdrawn"]);
  const closed = expectProblem(t, await del(submitted.id, { "if-match": "*" }), 409, "conflict");
  t.notMatch(closed.detail, /Withdraw it/, "a withdrawn application is not told to withdraw");
});

t.test("records an application points at cannot be deleted under it", async (t) => {
  const owner = await createCoordinator(app);
  const g = await createGrantApplication(app, { applicantId: owner.id });
  const body = expectProblem(t, await app.inject({ method: "DELETE", url: `/v1/coordinators/${owner.id}`, headers: { "if-match": "*" } }), 409, "still_referenced");
  t.match(body.detail, /grant-applications/);
  t.equal((await transition(app, g.id, { to: "submitted" })).statusCode, 200);
  t.equal((await get(g.id)).json().applicantId, owner.id);
});
