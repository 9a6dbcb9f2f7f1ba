import t from "tap";
import { testApp } from "../../helper.ts";
import { createCluster, createCoordinator, validNip, validRegon9 } from "../../fixtures/records.ts";
import { createMembership, createOrganization } from "../../fixtures/organizations.ts";
import { expectProblem } from "../../expect.ts";

const { app, db } = await testApp(t);
const post = (payload: unknown) => app.inject({ method: "POST", url: "/v1/organizations", payload: payload as object });
const get = (id: string, query = "", headers: Record<string, string> = {}) => app.inject({ method: "GET", url: `/v1/organizations/${id}${query}`, headers });
const patch = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: "PATCH", url: `/v1/organizations/${id}`, payload: payload as object, headers });
const del = (id: string, headers: Record<string, string> = {}) => app.inject({ method: "DELETE", url: `/v1/organizations/${id}`, headers });
const formatNip = (nip: string) => `PL ${nip.slice(0, 3)}-${nip.slice(3, 6)}-${nip.slice(6, 8)}-${nip.slice(8)}`;

t.test("create: every field as sent; optional fields present as null", async (t) => {
  const payload = {
    name: "Wyższa Szkoła Bankowa w Gdańsku",
    shortName: "WSB",
    kind: "science",
    legalForm: "university",
    krs: "0000123456",
    nip: validNip(9_100_001),
    regon: validRegon9(9_100_001),
    address: { street: "al. Grunwaldzka 238A", postalCode: "80-266", city: "Gdańsk" },
    website: "https://www.wsb.example.pl",
    email: "sekretariat@wsb.example.pl",
    phone: "+48 58 123 45 67",
    description: "Partner w projekcie MEWA.",
  };
  const res = await post(payload);
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.strictSame(body, {
    ...payload,
    address: { ...payload.address, country: "PL" },
    id: body.id,
    version: 1,
    createdAt: body.createdAt,
    updatedAt: body.updatedAt,
  });
  t.notOk("memberships" in body, "memberships only with include");

  const minimal = await post({ name: "Park Naukowo-Technologiczny w Gdańsku", kind: "science" });
  t.equal(minimal.statusCode, 201);
  for (const field of ["shortName", "legalForm", "krs", "nip", "regon", "address", "website", "email", "phone", "description"]) {
    t.equal(minimal.json()[field], null, `${field} is present as null`);
  }
});

t.test("every kind of the triple helix and beyond is accepted; anything else is a 400", async (t) => {
  for (const kind of ["business", "science", "government", "ngo", "media", "other"]) {
    const res = await post({ name: `Rodzaj ${kind}`, kind });
    t.equal(res.statusCode, 201, kind);
    t.equal(res.json().kind, kind);
  }
  expectProblem(t, await post({ name: "Bez rodzaju" }), 400, "validation_failed", ["/kind"]);
  expectProblem(t, await post({ name: "Zły rodzaj", kind: "university" }), 400, "validation_failed", ["/kind"]);
  expectProblem(t, await post({ kind: "business" }), 400, "validation_failed", ["/name"]);
  expectProblem(t, await post({ name: "X", kind: "business", legalForm: "spółka" }), 400, "validation_failed", ["/legalForm"]);
  expectProblem(t, await post({ name: "X", kind: "business", bogus: 1 }), 400, "validation_failed", ["/bogus"]);
  expectProblem(t, await post({ name: "X", kind: "business", email: "nie-mail" }), 400, "validation_failed", ["/email"]);
  expectProblem(t, await post({ name: "X", kind: "business", phone: "abc" }), 400, "validation_failed", ["/phone"]);
  expectProblem(t, await post({ name: "X", kind: "business", website: "ftp://example.pl" }), 400, "validation_failed", ["/website"]);
  expectProblem(t, await post({ name: "X", kind: "business", description: "" }), 400, "validation_failed", ["/description"]);
});

t.test("Polish text round-trips exactly; text is NFC-normalised and trimmed", async (t) => {
  const name = "Zarząd Województwa Pomorskiego — Urząd Marszałkowski w Gdańsku";
  const res = await post({ name, shortName: "Urząd Marszałkowski", kind: "government", legalForm: "public_body", description: "Konkurs „Strategia dla klastra”: żółć", address: { city: "Gdańsk" } });
  t.equal(res.statusCode, 201);
  t.ok(res.rawPayload.includes(Buffer.from("Województwa", "utf8")), "sent as UTF-8");
  const got = (await get(res.json().id)).json();
  t.equal(got.name, name);
  t.equal(got.shortName, "Urząd Marszałkowski");
  t.equal(got.description, "Konkurs „Strategia dla klastra”: żółć");
  const decomposed = await post({ name: "  Zwia\u0328zek Pracodawco\u0301w Klastry Polskie\t", kind: "business", address: { city: "Gdan\u0301sk" } });
  t.equal(decomposed.statusCode, 201);
  t.equal(decomposed.json().name, "Związek Pracodawców Klastry Polskie");
  t.equal((await get(decomposed.json().id)).json().address.city, "Gdańsk", "stored normalised");
});

t.test("NIP, REGON, KRS: validated, normalised, unique (409 naming the field)", async (t) => {
  const nip = validNip(9_200_001);
  const regon = validRegon9(9_200_001);
  const res = await post({ name: "Rejestrowa A", kind: "business", nip: formatNip(nip), regon, krs: "0000-434-123" });
  t.equal(res.statusCode, 201, res.body);
  t.equal(res.json().nip, nip);
  t.equal(res.json().krs, "0000434123");
  const badNip = nip.slice(0, 9) + String((Number(nip[9]) + 1) % 10);
  const badRegon = regon.slice(0, 8) + String((Number(regon[8]) + 1) % 10);
  expectProblem(t, await post({ name: "Zła", kind: "business", nip: badNip, regon: badRegon, krs: "123" }), 400, "validation_failed", ["/nip", "/regon", "/krs"]);

  expectProblem(t, await post({ name: "Duplikat NIP", kind: "business", nip }), 409, "conflict", ["/nip"]);
  expectProblem(t, await post({ name: "Duplikat REGON", kind: "business", regon }), 409, "conflict", ["/regon"]);
  const dupKrs = expectProblem(t, await post({ name: "Duplikat KRS", kind: "business", krs: "0000434123" }), 409, "conflict", ["/krs"]);
  t.notMatch(dupKrs.detail, /organizations_krs_key|constraint|prisma/i, "no internal names");
  const other = await createOrganization(app, { nip: validNip(9_200_002) });
  expectProblem(t, await patch(other.id, { nip }, { "if-match": `"${other.id}.v1"` }), 409, "conflict", ["/nip"]);
  t.equal((await get(other.id)).json().version, 1, "the failed PATCH changed nothing");
  const coordinatorWithSameNip = await createCoordinator(app, { nip });
  t.equal(coordinatorWithSameNip.nip, nip, "uniqueness is per resource: a coordinator may share an organization's NIP");
});

t.test("address: Polish postal code NN-NNN, ISO country, city required", async (t) => {
  expectProblem(t, await post({ name: "A", kind: "ngo", address: { city: "Gdańsk", postalCode: "80266" } }), 400, "validation_failed", ["/address/postalCode"]);
  expectProblem(t, await post({ name: "A", kind: "ngo", address: { postalCode: "80-266" } }), 400, "validation_failed", ["/address/city"]);
  expectProblem(t, await post({ name: "A", kind: "ngo", address: { city: "X", country: "POL" } }), 400, "validation_failed", ["/address/country"]);
  const foreign = await post({ name: "Partner zagraniczny", kind: "business", address: { city: "Kiel", postalCode: "24103", country: "de" } });
  t.equal(foreign.statusCode, 201);
  t.same(foreign.json().address, { street: null, postalCode: "24103", city: "Kiel", country: "DE" });
});

t.test("include=memberships on GET embeds the memberships, ordered by joinedOn", async (t) => {
  const o = await createOrganization(app);
  const plain = await get(o.id, "?include=memberships");
  t.equal(plain.statusCode, 200);
  t.same(plain.json().memberships, [], "an empty list when there are none");
  const coordinator = await createCoordinator(app);
  const [c1, c2, c3] = [await createCluster(app, { coordinatorId: coordinator.id }), await createCluster(app, { coordinatorId: coordinator.id }), await createCluster(app, { coordinatorId: coordinator.id })];
  const late = await createMembership(app, o.id, { clusterId: c1.id, role: "member", joinedOn: "2013-05-10" });
  const unknown = await createMembership(app, o.id, { clusterId: c2.id, role: "observer" });
  const early = await createMembership(app, o.id, { clusterId: c3.id, role: "founder", joinedOn: "2012-06-01" });
  const res = await get(o.id, "?include=memberships");
  t.equal(res.statusCode, 200);
  t.equal(res.json().version, 1, "memberships do not change the organization's version");
  t.match(res.headers.etag, new RegExp(`^"${o.id}\\.v1\\+`), "the ETag of a representation with embedded records also covers them");
  t.same(res.json().memberships.map((m: { id: string }) => m.id), [early.id, late.id, unknown.id], "joinedOn ascending, unknown last");
  t.strictSame(res.json().memberships[0], early, "each embedded membership is the membership's own representation");
  const withCache = await get(o.id, "?include=memberships", { "if-none-match": `"${o.id}.v1"` });
  t.equal(withCache.statusCode, 200, "no 304 for an embedded representation");
  expectProblem(t, await get(o.id, "?include=clusters"), 400, "validation_failed", ["/include"]);
});

t.test("PATCH: a merge patch validated as a whole", async (t) => {
  const o = await createOrganization(app, { kind: "ngo", website: "https://a.example.pl", address: { street: "ul. Długa 1", postalCode: "80-827", city: "Gdańsk" } });
  const res = await patch(o.id, { kind: "science", website: null, address: { street: "ul. Mariacka 5" } }, { "if-match": `"${o.id}.v1"` });
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  t.equal(body.kind, "science");
  t.equal(body.website, null, "null clears");
  t.same(body.address, { street: "ul. Mariacka 5", postalCode: "80-827", city: "Gdańsk", country: "PL" }, "address merged member by member");

  const before = (await get(o.id)).json();
  const etag = { "if-match": `"${o.id}.v2"` };
  expectProblem(t, await patch(o.id, { kind: null }, etag), 400, "validation_failed", ["/kind"]);
  expectProblem(t, await patch(o.id, { kind: "church" }, etag), 400, "validation_failed", ["/kind"]);
  expectProblem(t, await patch(o.id, { name: null }, etag), 400, "validation_failed", ["/name"]);
  expectProblem(t, await patch(o.id, { address: { city: null } }, etag), 400, "validation_failed", ["/address/city"]);
  expectProblem(t, await patch(o.id, { address: { postalCode: "80827" } }, etag), 400, "validation_failed", ["/address/postalCode"]);
  expectProblem(t, await patch(o.id, { memberships: [] }, etag), 400, "validation_failed", ["/memberships"]);
  t.strictSame((await get(o.id)).json(), before, "failed PATCHes changed nothing");

  const searchable = await patch(o.id, { name: "Pomorska Izba Żeglugi" }, etag);
  t.equal(searchable.statusCode, 200);
  const found = await app.inject({ method: "GET", url: "/v1/organizations?q=zeglugi" });
  t.same(found.json().data.map((r: { id: string }) => r.id), [o.id], "the search text follows a PATCH");
});

t.test("an organization still referenced cannot be deleted: 409 names what references it", async (t) => {
  const coordinator = await createCoordinator(app);
  const cluster = await createCluster(app, { coordinatorId: coordinator.id });
  const cases: Array<{ resource: string; field: string; add: (organizationId: string) => Promise<() => Promise<unknown>> }> = [
    {
      resource: "memberships",
      field: "organizationId",
      add: async (organizationId) => {
        const m = await createMembership(app, organizationId, { clusterId: cluster.id });
        return () => app.inject({ method: "DELETE", url: `/v1/organizations/${organizationId}/memberships/${m.id}`, headers: { "if-match": "*" } });
      },
    },
    {
      resource: "meeting-participants",
      field: "organizationId",
      add: async (organizationId) => {
        const meeting = await db.prisma.meeting.create({ data: { title: "Pierwsze spotkanie strategiczne", date: new Date("2013-05-10"), format: "workshop" } });
        await db.prisma.meetingParticipant.create({ data: { meetingId: meeting.id, organizationId, helix: "science" } });
        return () => db.prisma.meeting.delete({ where: { id: meeting.id } });
      },
    },
    {
      resource: "grant-application-partners",
      field: "organizationId",
      add: async (organizationId) => {
        const application = await db.prisma.grantApplication.create({ data: { title: "MEWA", applicantId: coordinator.id } });
        await db.prisma.grantApplicationPartner.create({ data: { grantApplicationId: application.id, organizationId } });
        return () => db.prisma.grantApplication.delete({ where: { id: application.id } });
      },
    },
    {
      resource: "grant-applications",
      field: "fundingBodyId",
      add: async (organizationId) => {
        const application = await db.prisma.grantApplication.create({ data: { title: "Strategia dla klastra", applicantId: coordinator.id, fundingBodyId: organizationId } });
        return () => db.prisma.grantApplication.delete({ where: { id: application.id } });
      },
    },
  ];
  for (const { resource, field, add } of cases) {
    const o = await createOrganization(app);
    const removeReference = await add(o.id);
    const body = expectProblem(t, await del(o.id, { "if-match": `"${o.id}.v1"` }), 409, "still_referenced");
    t.same(body.references, [{ resource, field, count: 1 }], `409 names ${resource} (${field})`);
    t.match(body.detail, `1 ${resource} (${field})`);
    t.equal((await get(o.id)).statusCode, 200, "the organization still exists");
    await removeReference();
    t.equal((await del(o.id, { "if-match": `"${o.id}.v1"` })).statusCode, 204, `deletable once the ${resource} reference is gone`);
  }

  const busy = await createOrganization(app);
  for (const { add } of cases) await add(busy.id);
  const body = expectProblem(t, await del(busy.id, { "if-match": "*" }), 409, "still_referenced");
  t.same((body.references as Array<{ resource: string }>).map((r) => r.resource), cases.map((c) => c.resource), "every kind of reference is named at once");
});

t.test("Idempotency-Key on POST replays the first answer", async (t) => {
  const headers = { "idempotency-key": `org-${process.pid}` };
  const payload = { name: "Idempotentna", kind: "media" };
  const first = await app.inject({ method: "POST", url: "/v1/organizations", payload, headers });
  t.equal(first.statusCode, 201);
  const second = await app.inject({ method: "POST", url: "/v1/organizations", payload, headers });
  t.equal(second.statusCode, 201);
  t.equal(second.headers["idempotent-replayed"], "true");
  t.equal(second.json().id, first.json().id, "no second record");
});
