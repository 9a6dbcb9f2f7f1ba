import t from "tap";
import { testApp } from "../../helper.ts";
import { createMeeting, type ParticipantBody } from "../../fixtures/meetings.ts";
import { EMBED_MAX_ITEMS } from "../../../src/lib/schemas.ts";

/**
 * include=participants embeds at most EMBED_MAX_ITEMS participants, the first added; the participants list pages
 * through all of them. The rows go in through Prisma for speed, each a second after the one before.
 */

const { app, db } = await testApp(t);
const json = async (url: string) => {
  const res = await app.inject({ method: "GET", url });
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return res;
};

const COUNT = EMBED_MAX_ITEMS + 1;
const meeting = await createMeeting(app, { title: "Konferencja z wieloma uczestnikami", date: "2013-11-29", format: "conference" });
const start = Date.parse("2026-11-29T12:00:00.000Z");
// Inserted newest first, so that neither insertion order nor id order could pass for the order they were added in.
const rows = Array.from({ length: COUNT }, (_, index) => ({
  meetingId: meeting.id,
  personName: `Uczestnik ${String(index + 1).padStart(3, "0")}`,
  createdAt: new Date(start + index * 1000),
})).reverse();
for (const row of rows) await db.prisma.meetingParticipant.create({ data: row });
const ordered = await db.prisma.meetingParticipant.findMany({ where: { meetingId: meeting.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
const firstAdded = ordered.slice(0, EMBED_MAX_ITEMS).map((row) => row.id);

t.test(`include=participants holds the first ${EMBED_MAX_ITEMS} of ${COUNT}, in the order they were added`, async (t) => {
  const body = (await json(`/v1/meetings/${meeting.id}?include=participants`)).json();
  const embedded = body.participants as ParticipantBody[];
  t.equal(embedded.length, EMBED_MAX_ITEMS);
  t.strictSame(embedded.map((p) => p.id), firstAdded, "the first added, first");
  t.equal(embedded[0]!.personName, "Uczestnik 001");
  t.equal(embedded.at(-1)!.personName, `Uczestnik ${EMBED_MAX_ITEMS}`);

  const listed = (await json(`/v1/meetings?include=participants&dateFrom=2013-11-29&dateTo=2013-11-29`)).json().data;
  t.strictSame(listed[0].participants.map((p: ParticipantBody) => p.id), firstAdded, "the list embeds the same on its rows");
});

t.test(`GET /v1/meetings/{id}/participants pages through all ${COUNT}`, async (t) => {
  const seen: string[] = [];
  let url: string | undefined = `/v1/meetings/${meeting.id}/participants?limit=${EMBED_MAX_ITEMS}`;
  while (url) {
    const page: { data: ParticipantBody[]; nextCursor: string | null } = (await json(url)).json();
    seen.push(...page.data.map((p) => p.id));
    url = page.nextCursor ? `/v1/meetings/${meeting.id}/participants?limit=${EMBED_MAX_ITEMS}&cursor=${encodeURIComponent(page.nextCursor)}` : undefined;
  }
  t.equal(seen.length, COUNT);
  t.strictSame(seen, ordered.map((row) => row.id), "by createdAt (the default sort), the embedded ones first");
});

t.test("the ETag of the embedding follows what is embedded", async (t) => {
  const url = `/v1/meetings/${meeting.id}?include=participants`;
  const before = await json(url);
  // Adding one after the first 100 changes nothing embedded.
  await db.prisma.meetingParticipant.create({ data: { meetingId: meeting.id, personName: "Uczestnik spóźniony", createdAt: new Date(start + COUNT * 1000) } });
  const unchanged = await json(url);
  t.equal(unchanged.headers.etag, before.headers.etag, "a participant beyond the first 100 does not show, nor change the ETag");
  // Removing the first lets the 101st in.
  await db.prisma.meetingParticipant.delete({ where: { id: firstAdded[0]! } });
  const after = await json(url);
  t.not(after.headers.etag, before.headers.etag, "the embedded list changed, and so did the ETag");
  t.strictSame(
    (after.json().participants as ParticipantBody[]).map((p) => p.id),
    ordered.slice(1, EMBED_MAX_ITEMS + 1).map((row) => row.id),
    "the 101st slides in",
  );
});
