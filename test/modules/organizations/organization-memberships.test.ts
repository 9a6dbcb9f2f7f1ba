import t from "tap";
import { testApp, usingPostgres } from "../../helper.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { createMembership, createOrganization, type MembershipBody } from "../../fixtures/organizations.ts";
import { ISO_UTC, UUID_V7, byKeys, expectProblem, nextLinkOf, sleep } from "../../expect.ts";

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

t.test("create: 201 with Location under the organization, ETag, organizationId and clusterId", async (t) => {
  const o = await createOrganization(app, { name: "Wyższa Szkoła Bankowa w Gdańsku", kind: "science" });
  const cluster = await newCluster({ name: "Klaster LTPP" });
  const payload = { clusterId: cluster.id, role: "partner", joinedOn: "2013-01-15", notes: "Partner w projekcie MEWA — komunikacja miejska" };
  const res = await post(o.id, payload);
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.match(body.id, UUID_V7);
  t.equal(res.headers.location, `${base(o.id)}/${body.id}`);
  t.equal(res.headers.etag, `"${body.id}.v1"`);
  t.match(body.createdAt, ISO_UTC);
  t.strictSame(body, { id: body.id, organizationId: o.id, ...payload, leftOn: null, version: 1, createdAt: body.createdAt, updatedAt: body.updatedAt });
  const again = await get(o.id, body.id);
  t.equal(again.statusCode, 200);
  t.strictSame(again.json(), body, "the Location URL serves it; Polish notes round-trip");
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

t.test("references: unknown cluster -> 422 /clusterId; unknown organization -> 404 on every route", async (t) => {
  const o = await createOrganization(app);
  const body = expectProblem(t, await post(o.id, { clusterId: UNKNOWN_ID, role: "member" }), 422, "reference_not_found", ["/clusterId"]);
  t.match(body.detail, UNKNOWN_ID);
  const m = await createMembership(app, o.id, { clusterId: (await newCluster()).id });

  for (const res of [
    await list(UNKNOWN_ID),
    await post(UNKNOWN_ID, { clusterId: m.clusterId, role: "member" }),
    await get(UNKNOWN_ID, m.id),
    await patch(UNKNOWN_ID, m.id, { role: "partner" }, { "if-match": "*" }),
    await del(UNKNOWN_ID, m.id, { "if-match": "*" }),
  ]) {
    const problem = expectProblem(t, res, 404, "not_found");
    t.match(problem.detail, /organization/);
  }
  expectProblem(t, await post(UNKNOWN_ID, { clusterId: UNKNOWN_ID, role: "member" }), 404, "not_found", []);

  // A membership is only found under its own organization.
  const stranger = await createOrganization(app);
  for (const res of [await get(stranger.id, m.id), await patch(stranger.id, m.id, { role: "partner" }, { "if-match": "*" }), await del(stranger.id, m.id, { "if-match": "*" })]) {
    const problem = expectProblem(t, res, 404, "not_found");
    t.match(problem.detail, /membership/);
  }
  t.equal((await get(o.id, m.id)).json().version, 1, "untouched");
  expectProblem(t, await get(o.id, UNKNOWN_ID), 404, "not_found");
  expectProblem(t, await get("nie-uuid", m.id), 400, "validation_failed", ["/organizationId"]);
  expectProblem(t, await list("nie-uuid"), 400, "validation_failed", ["/organizationId"]);
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

t.test("PATCH: If-Match, merge patch, leftOn checked against the merged joinedOn, moving to another cluster", async (t) => {
  const o = await createOrganization(app);
  const m = await createMembership(app, o.id, { clusterId: (await newCluster()).id, role: "member", joinedOn: "2013-05-10", notes: "Notatka" });
  expectProblem(t, await patch(o.id, m.id, { role: "partner" }), 428, "precondition_required");
  const stale = expectProblem(t, await patch(o.id, m.id, { role: "partner" }, { "if-match": `"${m.id}.v3"` }), 412, "version_mismatch");
  t.equal(stale.currentVersion, 1);
  await sleep(5);
  const res = await patch(o.id, m.id, { role: "partner", notes: null }, { "if-match": `"${m.id}.v1"` });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().role, "partner");
  t.equal(res.json().notes, null, "null clears");
  t.equal(res.json().joinedOn, "2013-05-10", "untouched fields kept");
  t.equal(res.json().version, 2);
  t.equal(res.headers.etag, `"${m.id}.v2"`);
  t.ok(res.json().updatedAt > (m.updatedAt as string));

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

t.test("DELETE: 428, 412, 204, then 404; the organization becomes deletable", async (t) => {
  const o = await createOrganization(app);
  const m = await createMembership(app, o.id, { clusterId: (await newCluster()).id });
  expectProblem(t, await del(o.id, m.id), 428, "precondition_required");
  expectProblem(t, await del(o.id, m.id, { "if-match": `"${m.id}.v2"` }), 412, "version_mismatch");
  expectProblem(t, await app.inject({ method: "DELETE", url: `/v1/organizations/${o.id}`, headers: { "if-match": "*" } }), 409, "still_referenced");
  const res = await del(o.id, m.id, { "if-match": `"${m.id}.v1"` });
  t.equal(res.statusCode, 204);
  expectProblem(t, await get(o.id, m.id), 404, "not_found");
  expectProblem(t, await del(o.id, m.id, { "if-match": "*" }), 404, "not_found");
  t.equal((await app.inject({ method: "DELETE", url: `/v1/organizations/${o.id}`, headers: { "if-match": "*" } })).statusCode, 204);
});

t.test("a cluster with members cannot be deleted", async (t) => {
  const o = await createOrganization(app);
  const cluster = await newCluster();
  await createMembership(app, o.id, { clusterId: cluster.id });
  const body = expectProblem(t, await app.inject({ method: "DELETE", url: `/v1/clusters/${cluster.id}`, headers: { "if-match": "*" } }), 409, "still_referenced");
  t.match(body.detail, /memberships/);
});

t.test("GET: If-None-Match -> 304; include=cluster embeds the cluster", async (t) => {
  const o = await createOrganization(app);
  const cluster = await newCluster({ name: "Klaster LTPP — logistyka, transport, dystrybucja" });
  const m = await createMembership(app, o.id, { clusterId: cluster.id });
  t.equal((await get(o.id, m.id, "", { "if-none-match": `"${m.id}.v1"` })).statusCode, 304);
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

t.test("list: only this organization's memberships; filters; sort and pagination", async (t) => {
  const o = await createOrganization(app);
  const noise = await createOrganization(app);
  const created: MembershipBody[] = [];
  const joined = ["2013-05-10", null, "2012-11-16", "2013-05-10", null, "2013-09-20", "2012-11-16", "2014-01-01", null, "2013-06-19", "2012-12-20"];
  for (const [i, joinedOn] of joined.entries()) {
    const cluster = await newCluster();
    created.push(await createMembership(app, o.id, { clusterId: cluster.id, role: i % 3 === 0 ? "founder" : "member", joinedOn }));
    await createMembership(app, noise.id, { clusterId: cluster.id, role: "founder" });
  }
  type Row = MembershipBody & { joinedOn: string | null; createdAt: string; updatedAt: string };
  const rows = created as Row[];
  const orders: Array<[string, (a: Row, b: Row) => number]> = [
    ["", byKeys<Row>([{ key: (r) => r.joinedOn }])],
    ["sort=-joinedOn", byKeys<Row>([{ key: (r) => r.joinedOn, desc: true }])],
    ["sort=createdAt", byKeys<Row>([{ key: (r) => r.createdAt }])],
    ["sort=-updatedAt", byKeys<Row>([{ key: (r) => r.updatedAt, desc: true }])],
  ];
  for (const [sort, compare] of orders) {
    const seen: Row[] = [];
    let url: string | undefined = `${base(o.id)}?limit=4&${sort}`;
    let pages = 0;
    while (url !== undefined) {
      const res = await app.inject({ method: "GET", url });
      t.equal(res.statusCode, 200, url);
      seen.push(...(res.json().data as Row[]));
      url = nextLinkOf(t, res);
      if (++pages > 10) throw new Error("pagination does not end");
    }
    t.equal(pages, 3, `${sort || "default"}: 11 rows in pages of 4`);
    t.same(seen.map((r) => r.id), [...rows].sort(compare).map((r) => r.id), `${sort || "default (joinedOn)"}: in order, no duplicates or gaps`);
    t.ok(seen.every((r) => r.organizationId === o.id), "only this organization's");
  }
  const founders = (await list(o.id, "role=founder")).json().data as Row[];
  t.same(founders.map((r) => r.id).sort(), rows.filter((_, i) => i % 3 === 0).map((r) => r.id).sort());
  const one = (await list(o.id, `clusterId=${rows[4]!.clusterId}`)).json().data as Row[];
  t.same(one.map((r) => r.id), [rows[4]!.id]);
  t.same((await list(o.id, `clusterId=${rows[4]!.clusterId}&role=founder`)).json().data, []);
  expectProblem(t, await list(o.id, "sort=role"), 400, "validation_failed", ["/sort"]);
  expectProblem(t, await list(o.id, "q=%20"), 400, "validation_failed", ["/q"]);
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
