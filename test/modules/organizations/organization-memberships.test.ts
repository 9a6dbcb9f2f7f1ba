import t from "tap";
import { testApp, usingPostgres } from "../../helper.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { createMembership, createOrganization, type MembershipBody } from "../../fixtures/organizations.ts";
import { expectProblem } from "../../expect.ts";

const { app } = await testApp(t);
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";
const base = (organizationId: string) => `/v1/organizations/${organizationId}/memberships`;
const post = (organizationId: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: "POST", url: base(organizationId), payload: payload as object, headers });
const get = (organizationId: string, id: string, query = "", headers: Record<string, string> = {}) =>
  app.inject({ method: "GET", url: `${base(organizationId)}/${id}${query}`, headers });
const patch = (organizationId: string, id: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: "PATCH", url: `${base(organizationId)}/${id}`, payload: payload as object, headers });
const del = (organizationId: string, id: string, headers: Record<string, string> = {}) =>
  app.inject({ method: "DELETE", url: `${base(organizationId)}/${id}`, headers });
const list = (organizationId: string, query = "") => app.inject({ method: "GET", url: `${base(organizationId)}?${query}` });

const coordinator = await createCoordinator(app);
const newCluster = (overrides: Record<string, unknown> = {}) => createCluster(app, { coordinatorId: coordinator.id, ...overrides });

t.test("create: organizationId, clusterId and every field as sent; each role", async (t) => {
  const o = await createOrganization(app, { name: "Wyższa Szkoła Bankowa w Gdańsku", kind: "science" });
  const cluster = await newCluster({ name: "Klaster LTPP" });
  const payload = { clusterId: cluster.id, role: "partner", joinedOn: "2013-01-15", notes: "Partner w projekcie MEWA — komunikacja miejska" };
  const res = await post(o.id, payload);
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.strictSame(body, { id: body.id, organizationId: o.id, ...payload, leftOn: null, version: 1, createdAt: body.createdAt, updatedAt: body.updatedAt });
  const again = await get(o.id, body.id);
  t.equal(again.statusCode, 200);
  t.strictSame(again.json(), body, "Polish notes round-trip");
  for (const role of ["founder", "member", "observer"]) {
    const r = await post((await createOrganization(app)).id, { clusterId: cluster.id, role });
    t.equal(r.statusCode, 201, role);
    t.equal(r.json().role, role);
  }
});

t.test("validation: role, dates, leftOn not before joinedOn, unknown fields", async (t) => {
  const o = await createOrganization(app);
  const cluster = await newCluster();
  expectProblem(t, await post(o.id, {}), 400, "validation_failed", ["/clusterId", "/role"]);
  expectProblem(t, await post(o.id, { clusterId: cluster.id, role: "chair" }), 400, "validation_failed", ["/role"]);
  expectProblem(t, await post(o.id, { clusterId: "ltpp", role: "member" }), 400, "validation_failed", ["/clusterId"]);
  expectProblem(t, await post(o.id, { clusterId: cluster.id, role: "member", joinedOn: "10.05.2013" }), 400, "validation_failed", ["/joinedOn"]);
  expectProblem(t, await post(o.id, { clusterId: cluster.id, role: "member", joinedOn: "2013-02-30" }), 400, "validation_failed", ["/joinedOn"]);
  expectProblem(t, await post(o.id, { clusterId: cluster.id, role: "member", joinedOn: "2013-05-10", leftOn: "2013-05-09" }), 400, "validation_failed", ["/leftOn"]);
  expectProblem(t, await post(o.id, { clusterId: cluster.id, role: "member", organizationId: o.id }), 400, "validation_failed", ["/organizationId"]);
  expectProblem(t, await post(o.id, { clusterId: cluster.id, role: "member", notes: "  " }), 400, "validation_failed", ["/notes"]);
  t.equal((await list(o.id)).json().data.length, 0, "nothing was created");
  const sameDay = await post(o.id, { clusterId: cluster.id, role: "member", joinedOn: "2013-05-10", leftOn: "2013-05-10" });
  t.equal(sameDay.statusCode, 201, "leftOn may equal joinedOn");
  const leftOnly = await post(o.id, { clusterId: (await newCluster()).id, role: "member", leftOn: "2013-05-10" });
  t.equal(leftOnly.statusCode, 201, "leftOn alone is fine");
});

t.test("references: unknown cluster -> 422 /clusterId; an unknown organization is a 404 before that", async (t) => {
  const o = await createOrganization(app);
  const body = expectProblem(t, await post(o.id, { clusterId: UNKNOWN_ID, role: "member" }), 422, "reference_not_found", ["/clusterId"]);
  t.match(body.detail, UNKNOWN_ID);
  expectProblem(t, await post(UNKNOWN_ID, { clusterId: UNKNOWN_ID, role: "member" }), 404, "not_found", []);
});

t.test("one membership per organization and cluster: 409 naming /clusterId", async (t) => {
  const o = await createOrganization(app);
  const c1 = await newCluster();
  const c2 = await newCluster();
  await createMembership(app, o.id, { clusterId: c1.id, role: "member" });
  expectProblem(t, await post(o.id, { clusterId: c1.id, role: "partner" }), 409, "conflict", ["/clusterId"]);
  const m2 = await createMembership(app, o.id, { clusterId: c2.id, role: "member" });
  expectProblem(t, await patch(o.id, m2.id, { clusterId: c1.id }, { "if-match": `"${m2.id}.v1"` }), 409, "conflict", ["/clusterId"]);
  t.equal((await get(o.id, m2.id)).json().clusterId, c2.id, "the failed move changed nothing");
  const another = await createOrganization(app);
  t.equal((await post(another.id, { clusterId: c1.id, role: "member" })).statusCode, 201, "another organization may join the same cluster");

  // Concurrent joins of the same cluster: exactly one wins, the rest are the same 409 (never a 500).
  const racer = await createOrganization(app);
  const c3 = await newCluster();
  const results = await Promise.all(Array.from({ length: 5 }, () => post(racer.id, { clusterId: c3.id, role: "member" })));
  t.same(results.map((r) => r.statusCode).sort(), [201, 409, 409, 409, 409], `one created (${usingPostgres ? "PostgreSQL" : "PGlite"})`);
  for (const res of results.filter((r) => r.statusCode === 409)) expectProblem(t, res, 409, "conflict", ["/clusterId"]);
  t.equal((await list(racer.id)).json().data.length, 1);
});

t.test("PATCH: merge patch, leftOn checked against the merged joinedOn, moving to another cluster", async (t) => {
  const o = await createOrganization(app);
  const m = await createMembership(app, o.id, { clusterId: (await newCluster()).id, role: "member", joinedOn: "2013-05-10", notes: "Notatka" });
  const res = await patch(o.id, m.id, { role: "partner", notes: null }, { "if-match": `"${m.id}.v1"` });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().role, "partner");
  t.equal(res.json().notes, null, "null clears");
  t.equal(res.json().joinedOn, "2013-05-10", "untouched fields kept");

  const v2 = { "if-match": `"${m.id}.v2"` };
  expectProblem(t, await patch(o.id, m.id, { leftOn: "2013-05-09" }, v2), 400, "validation_failed", ["/leftOn"]);
  expectProblem(t, await patch(o.id, m.id, { joinedOn: "2014-01-01", leftOn: "2013-12-31" }, v2), 400, "validation_failed", ["/leftOn"]);
  expectProblem(t, await patch(o.id, m.id, { role: null }, v2), 400, "validation_failed", ["/role"]);
  expectProblem(t, await patch(o.id, m.id, { clusterId: null }, v2), 400, "validation_failed", ["/clusterId"]);
  expectProblem(t, await patch(o.id, m.id, { organizationId: UNKNOWN_ID }, v2), 400, "validation_failed", ["/organizationId"]);
  expectProblem(t, await patch(o.id, m.id, { clusterId: UNKNOWN_ID }, v2), 422, "reference_not_found", ["/clusterId"]);
  t.equal((await get(o.id, m.id)).json().version, 2, "failed PATCHes changed nothing");

  const left = await patch(o.id, m.id, { leftOn: "2015-12-31" }, v2);
  t.equal(left.statusCode, 200);
  t.equal(left.json().leftOn, "2015-12-31");
  const target = await newCluster();
  const moved = await patch(o.id, m.id, { clusterId: target.id }, { "if-match": `"${m.id}.v3"` });
  t.equal(moved.statusCode, 200);
  t.equal(moved.json().clusterId, target.id);
  const organization = await app.inject({ method: "GET", url: `/v1/organizations?clusterId=${target.id}` });
  t.same(organization.json().data.map((r: { id: string }) => r.id), [o.id], "the organization filter follows the move");
});

t.test("DELETE: the organization becomes deletable once its membership is gone", async (t) => {
  const o = await createOrganization(app);
  const m = await createMembership(app, o.id, { clusterId: (await newCluster()).id });
  expectProblem(t, await app.inject({ method: "DELETE", url: `/v1/organizations/${o.id}`, headers: { "if-match": "*" } }), 409, "still_referenced");
  const res = await del(o.id, m.id, { "if-match": `"${m.id}.v1"` });
  t.equal(res.statusCode, 204);
  t.equal((await app.inject({ method: "DELETE", url: `/v1/organizations/${o.id}`, headers: { "if-match": "*" } })).statusCode, 204);
});

t.test("a cluster with members cannot be deleted", async (t) => {
  const o = await createOrganization(app);
  const cluster = await newCluster();
  await createMembership(app, o.id, { clusterId: cluster.id });
  const body = expectProblem(t, await app.inject({ method: "DELETE", url: `/v1/clusters/${cluster.id}`, headers: { "if-match": "*" } }), 409, "still_referenced");
  t.match(body.detail, /memberships/);
});

t.test("GET: include=cluster embeds the cluster", async (t) => {
  const o = await createOrganization(app);
  const cluster = await newCluster({ name: "Klaster LTPP — logistyka, transport, dystrybucja" });
  const m = await createMembership(app, o.id, { clusterId: cluster.id });
  const res = await get(o.id, m.id, "?include=cluster");
  t.equal(res.statusCode, 200);
  const { createdAt: _c, updatedAt: _u, version: _v, ...clusterFields } = cluster;
  t.match(res.json().cluster, clusterFields, "the cluster's own representation");
  t.equal(res.json().cluster.name, "Klaster LTPP — logistyka, transport, dystrybucja");
  t.notOk("cluster" in (await get(o.id, m.id)).json(), "absent without include");
  const listed = await list(o.id, "include=cluster");
  t.equal(listed.json().data[0].cluster.id, cluster.id);
  expectProblem(t, await get(o.id, m.id, "?include=meetings"), 400, "validation_failed", ["/include"]);
});

t.test("list: filters on role and cluster", async (t) => {
  const o = await createOrganization(app);
  const noise = await createOrganization(app);
  const created: MembershipBody[] = [];
  for (let i = 0; i < 11; i++) {
    const cluster = await newCluster();
    created.push(await createMembership(app, o.id, { clusterId: cluster.id, role: i % 3 === 0 ? "founder" : "member" }));
    await createMembership(app, noise.id, { clusterId: cluster.id, role: "founder" });
  }
  const founders = (await list(o.id, "role=founder")).json().data as MembershipBody[];
  t.same(founders.map((r) => r.id).sort(), created.filter((_, i) => i % 3 === 0).map((r) => r.id).sort(), "only this organization's founders");
  const one = (await list(o.id, `clusterId=${created[4]!.clusterId}`)).json().data as MembershipBody[];
  t.same(one.map((r) => r.id), [created[4]!.id]);
  t.same((await list(o.id, `clusterId=${created[4]!.clusterId}&role=founder`)).json().data, []);
  expectProblem(t, await list(o.id, "role=chair"), 400, "validation_failed", ["/role"]);
});

t.test("Idempotency-Key: a retried POST creates no second membership", async (t) => {
  const o = await createOrganization(app);
  const cluster = await newCluster();
  const headers = { "idempotency-key": `membership-${process.pid}` };
  const first = await post(o.id, { clusterId: cluster.id, role: "member" }, headers);
  t.equal(first.statusCode, 201);
  const retry = await post(o.id, { clusterId: cluster.id, role: "member" }, headers);
  t.equal(retry.statusCode, 201);
  t.equal(retry.headers["idempotent-replayed"], "true");
  t.equal(retry.json().id, first.json().id);
  t.equal(retry.headers.location, first.headers.location);
});
