import t from "tap";
import { testApp } from "../../helper.ts";
import { createMediaPartner, createPublication } from "../../fixtures/media-partners.ts";

/**
 * `include=publications` embeds at most EMBED_MAX_ITEMS (100) publications, the first in the list order
 * (publishedOn, undated last, then id); GET …/publications pages through all of them.
 */

const EMBED_MAX_ITEMS = 100;

const { app, db } = await testApp(t);
const json = async (url: string) => {
  const res = await app.inject({ method: "GET", url });
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return { body: res.json(), etag: res.headers.etag as string };
};

const partner = await createMediaPartner(app);
const base = `/v1/media-partners/${partner.id}/publications`;

// 101 publications, straight into the table (the API is not what is tested here). Dates are shuffled against the
// creation (id) order, several share a day (ties go by id) and every tenth has none (undated come last).
const day = (n: number) => new Date(Date.UTC(2013, 0, 1 + n));
for (let i = 0; i < EMBED_MAX_ITEMS + 1; i++) {
  await db.prisma.mediaPublication.create({
    data: { mediaPartnerId: partner.id, title: `Publikacja ${i}`, publishedOn: i % 10 === 9 ? null : day((i * 37) % 50) },
  });
}
const rows = await db.prisma.mediaPublication.findMany({ where: { mediaPartnerId: partner.id } });
const time = (date: Date | null) => (date === null ? Number.POSITIVE_INFINITY : date.getTime());
const inListOrder = [...rows]
  .sort((a, b) => time(a.publishedOn) - time(b.publishedOn) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  .map((row) => row.id);

t.test("the list pages through all 101, in the documented order", async (t) => {
  const first = (await json(`${base}?limit=100`)).body;
  t.equal(first.data.length, 100);
  t.type(first.nextCursor, "string", "a second page follows");
  const second = (await json(`${base}?limit=100&cursor=${encodeURIComponent(first.nextCursor)}`)).body;
  t.equal(second.data.length, 1);
  t.equal(second.nextCursor, null, "and it is the last");
  const listed = [...first.data, ...second.data].map((row: { id: string }) => row.id);
  t.strictSame(listed, inListOrder, "publishedOn ascending, undated last, ties by id");
});

t.test("include=publications embeds the first 100 in that order", async (t) => {
  const { body } = await json(`/v1/media-partners/${partner.id}?include=publications`);
  t.equal(body.publications.length, EMBED_MAX_ITEMS, "capped at 100");
  t.strictSame(
    body.publications.map((row: { id: string }) => row.id),
    inListOrder.slice(0, EMBED_MAX_ITEMS),
    "the first 100 of the list",
  );
  t.notOk(body.publications.some((row: { id: string }) => row.id === inListOrder[EMBED_MAX_ITEMS]), "the 101st (the last undated) is left out");

  const listed = (await json(`/v1/media-partners?include=publications&limit=100`)).body.data as Array<{ id: string; publications: Array<{ id: string }> }>;
  const inList = listed.find((row) => row.id === partner.id)!;
  t.strictSame(inList.publications.map((row) => row.id), inListOrder.slice(0, EMBED_MAX_ITEMS), "the same in the list of partners");
});

t.test("the ETag of the embedding representation follows the embedded 100", async (t) => {
  const before = await json(`/v1/media-partners/${partner.id}?include=publications`);
  t.equal((await json(`/v1/media-partners/${partner.id}?include=publications`)).etag, before.etag, "stable while nothing changes");

  // Dated before all others: it comes first, and the last of the 100 drops out of the embed.
  const earliest = await createPublication(app, partner.id, { title: "Najwcześniejsza publikacja", publishedOn: "2012-12-01" });
  const after = await json(`/v1/media-partners/${partner.id}?include=publications`);
  t.not(after.etag, before.etag, "a change within the first 100 changes the ETag");
  t.equal(after.body.publications.length, EMBED_MAX_ITEMS, "still 100");
  t.strictSame(
    after.body.publications.map((row: { id: string }) => row.id),
    [earliest.id, ...inListOrder.slice(0, EMBED_MAX_ITEMS - 1)],
    "the new one first, the rest shifted by one",
  );

  const notModified = await app.inject({
    method: "GET",
    url: `/v1/media-partners/${partner.id}?include=publications`,
    headers: { "if-none-match": before.etag },
  });
  t.equal(notModified.statusCode, 200, "the old ETag no longer gives 304");
});
