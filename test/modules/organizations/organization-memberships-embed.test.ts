import t from "tap";
import { testApp } from "../../helper.ts";
import { createOrganization } from "../../fixtures/organizations.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { EMBED_MAX_ITEMS } from "../../../src/lib/schemas.ts";

/**
 * `include=memberships` embeds at most EMBED_MAX_ITEMS memberships, the first in the list's default order
 * (joinedOn, unknown dates last); GET /v1/organizations/{id}/memberships still pages through all of them.
 */

const { app, db } = await testApp(t);
const json = async (url: string, headers: Record<string, string> = {}) => {
  const res = await app.inject({ method: "GET", url, headers });
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return { body: res.json(), etag: String(res.headers.etag) };
};

const TOTAL = EMBED_MAX_ITEMS + 1;
const coordinator = await createCoordinator(app);
const organization = await createOrganization(app, { name: "Organizacja ze stu jeden członkostwami", kind: "business" });
const other = await createOrganization(app, { name: "Organizacja bez członkostw", kind: "ngo" });

// 101 clusters and one membership in each, straight through Prisma for speed. The first one written has no
// joinedOn (so it sorts last), every later one joined a day earlier than the one before: the list order is
// the reverse of the order of writing, so an embed that ignored the order would show.
await db.prisma.cluster.createMany({
  data: Array.from({ length: TOTAL }, (_, i) => ({ name: `Klaster ${String(i).padStart(3, "0")}`, coordinatorId: coordinator.id })),
});
const clusters = await db.prisma.cluster.findMany({ where: { coordinatorId: coordinator.id }, orderBy: { name: "asc" } });
const day = (i: number) => new Date(Date.UTC(2020, 0, 1) - i * 86_400_000);
for (const [i, cluster] of clusters.entries()) {
  await db.prisma.clusterMembership.create({
    data: { organizationId: organization.id, clusterId: cluster.id, role: "member", joinedOn: i === 0 ? null : day(i), notes: `Członkostwo ${i}` },
  });
}
const written = await db.prisma.clusterMembership.findMany({ where: { organizationId: organization.id } });
const expected = [...written]
  .sort((a, b) => (a.joinedOn === null ? 1 : b.joinedOn === null ? -1 : a.joinedOn.getTime() - b.joinedOn.getTime()))
  .map((row) => row.id);
const undated = written.find((row) => row.joinedOn === null)!.id;

t.test("setup: 101 memberships, the undated one last", async (t) => {
  t.equal(expected.length, TOTAL);
  t.equal(expected.at(-1), undated);
});

t.test(`include=memberships on GET embeds the first ${EMBED_MAX_ITEMS}, in list order`, async (t) => {
  const { body } = await json(`/v1/organizations/${organization.id}?include=memberships`);
  const ids = (body.memberships as Array<{ id: string }>).map((m) => m.id);
  t.equal(ids.length, EMBED_MAX_ITEMS, `at most ${EMBED_MAX_ITEMS}`);
  t.strictSame(ids, expected.slice(0, EMBED_MAX_ITEMS), "the first ones by joinedOn, unknown dates last");
  t.notOk(ids.includes(undated), "the one past the cap is left out");
  const none = await json(`/v1/organizations/${other.id}?include=memberships`);
  t.strictSame(none.body.memberships, [], "an organization without memberships embeds an empty list");
});

t.test("include=memberships on the list is capped the same way", async (t) => {
  const { body } = await json(`/v1/organizations?include=memberships&limit=100`);
  const row = (body.data as Array<{ id: string; memberships: Array<{ id: string }> }>).find((o) => o.id === organization.id)!;
  t.strictSame(
    row.memberships.map((m) => m.id),
    expected.slice(0, EMBED_MAX_ITEMS),
  );
});

t.test("GET /v1/organizations/{id}/memberships pages through all 101, starting with the embedded ones", async (t) => {
  const ids: string[] = [];
  let url: string | undefined = `/v1/organizations/${organization.id}/memberships?limit=100`;
  let pages = 0;
  while (url !== undefined) {
    const { body } = await json(url);
    ids.push(...(body.data as Array<{ id: string }>).map((m) => m.id));
    pages++;
    url = body.nextCursor === null ? undefined : `/v1/organizations/${organization.id}/memberships?limit=100&cursor=${encodeURIComponent(body.nextCursor)}`;
  }
  t.equal(pages, 2);
  t.equal(ids.length, TOTAL);
  t.strictSame(ids, expected, "the same order as the embed, and then the rest");
});

t.test("the ETag of the capped representation covers the embedded memberships", async (t) => {
  const url = `/v1/organizations/${organization.id}?include=memberships`;
  const { etag } = await json(url);
  t.match(etag, new RegExp(`^"${organization.id}\\.v1\\+`));
  t.equal((await app.inject({ method: "GET", url, headers: { "if-none-match": etag } })).statusCode, 304, "current: 304");
  const embedded = expected[0]!;
  const changed = await app.inject({
    method: "PATCH",
    url: `/v1/organizations/${organization.id}/memberships/${embedded}`,
    headers: { "if-match": "*" },
    payload: { notes: "Zmienione" },
  });
  t.equal(changed.statusCode, 200, changed.body);
  const after = await app.inject({ method: "GET", url, headers: { "if-none-match": etag } });
  t.equal(after.statusCode, 200, "an embedded membership changed: the old ETag is stale");
  t.not(after.headers.etag, etag);
});
