import t from "tap";
import { testApp } from "../../helper.ts";
import { createActivity, createMediaPartner, createPublication, type ActivityBody } from "../../fixtures/activities.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { EMBED_MAX_ITEMS } from "../../../src/lib/schemas.ts";

/**
 * An activity's derived id lists (`meetingIds`, `publicationIds`, ...) and their `include=` embeds hold at most
 * EMBED_MAX_ITEMS, the first in the relation's order; the relation's own list pages through all. The linked rows
 * go in through Prisma for speed.
 */

const { app, db } = await testApp(t);
const json = async (url: string) => {
  const res = await app.inject({ method: "GET", url });
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return res;
};
type Row = { id: string; date?: string };

const COUNT = EMBED_MAX_ITEMS + 1;
const coordinator = await createCoordinator(app);
const activity = await createActivity(app, { coordinatorId: coordinator.id, title: "Cykl spotkań roboczych", year: 2013 });

// One meeting a day from 1 Jan 2013, inserted latest first: meetingIds go by date, not by insertion or id.
const day = (index: number) => new Date(Date.UTC(2013, 0, 1 + index)).toISOString().slice(0, 10);
for (let index = COUNT - 1; index >= 0; index--) {
  await db.prisma.meeting.create({
    data: { activityId: activity.id, title: `Spotkanie robocze ${index + 1}`, date: new Date(`${day(index)}T00:00:00.000Z`), format: "working_meeting" },
  });
}
const meetingsByDate = await db.prisma.meeting.findMany({ where: { activityId: activity.id }, orderBy: [{ date: "asc" }, { id: "asc" }] });
const firstMeetings = meetingsByDate.slice(0, EMBED_MAX_ITEMS).map((row) => row.id);

const portal = await createMediaPartner(db);
for (let index = 0; index < COUNT; index++) await createPublication(db, { mediaPartnerId: portal.id, activityId: activity.id });
const publicationsById = await db.prisma.mediaPublication.findMany({ where: { activityId: activity.id }, orderBy: { id: "asc" } });
const firstPublications = publicationsById.slice(0, EMBED_MAX_ITEMS).map((row) => row.id);

t.test(`meetingIds and include=meetings hold the first ${EMBED_MAX_ITEMS} of ${COUNT} meetings, by date`, async (t) => {
  const plain = (await json(`/v1/activities/${activity.id}`)).json() as ActivityBody;
  t.equal(plain.meetingIds.length, EMBED_MAX_ITEMS);
  t.strictSame(plain.meetingIds, firstMeetings, "the earliest first");
  t.notOk(plain.meetingIds.includes(meetingsByDate.at(-1)!.id), "the latest is left out");

  const embedded = (await json(`/v1/activities/${activity.id}?include=meetings`)).json();
  t.strictSame((embedded.meetings as Row[]).map((m) => m.id), firstMeetings, "the embedded meetings are the same ones");
  t.equal((embedded.meetings as Row[])[0]!.date, "2013-01-01");

  const listed = (await json(`/v1/activities?coordinatorId=${coordinator.id}&include=meetings`)).json().data as ActivityBody[];
  t.strictSame(listed[0]!.meetingIds, firstMeetings, "the list carries the same ids");
  t.strictSame((listed[0]!.meetings as Row[]).map((m) => m.id), firstMeetings, "and embeds the same meetings");

  // Other modules embed an activity too (here a meeting's include=activity): the same cap holds there.
  const viaMeeting = (await json(`/v1/meetings/${meetingsByDate[0]!.id}?include=activity`)).json();
  t.strictSame(viaMeeting.activity.meetingIds, firstMeetings, "an embedded activity is capped the same way");
});

t.test(`GET /v1/meetings?activityId= pages through all ${COUNT}`, async (t) => {
  const seen: string[] = [];
  const base = `/v1/meetings?activityId=${activity.id}&sort=date&limit=${EMBED_MAX_ITEMS}`;
  let url: string | undefined = base;
  while (url) {
    const page: { data: Row[]; nextCursor: string | null } = (await json(url)).json();
    seen.push(...page.data.map((m) => m.id));
    url = page.nextCursor ? `${base}&cursor=${encodeURIComponent(page.nextCursor)}` : undefined;
  }
  t.strictSame(seen, meetingsByDate.map((row) => row.id), `all ${COUNT}, the embedded ones first`);
});

t.test(`publicationIds and include=publications hold the first ${EMBED_MAX_ITEMS} of ${COUNT}, by id`, async (t) => {
  const body = (await json(`/v1/activities/${activity.id}?include=publications`)).json() as ActivityBody;
  t.strictSame(body.publicationIds, firstPublications);
  t.strictSame((body.publications as Row[]).map((p) => p.id), firstPublications);
  const base = `/v1/media-partners/${portal.id}/publications?activityId=${activity.id}&limit=${EMBED_MAX_ITEMS}`;
  const first = (await json(base)).json();
  const second = (await json(`${base}&cursor=${encodeURIComponent(first.nextCursor)}`)).json();
  t.equal(first.data.length + second.data.length, COUNT, "the media partner's publications list pages through all");
});

t.test("the ETag of the activity follows its capped ids", async (t) => {
  const url = `/v1/activities/${activity.id}`;
  const before = await json(url);
  await db.prisma.meeting.create({ data: { activityId: activity.id, title: "Spotkanie późniejsze", date: new Date("2014-06-01T00:00:00.000Z"), format: "other" } });
  t.equal((await json(url)).headers.etag, before.headers.etag, "a meeting after the first 100 changes nothing shown");
  await db.prisma.meeting.create({ data: { activityId: activity.id, title: "Spotkanie wcześniejsze", date: new Date("2012-06-01T00:00:00.000Z"), format: "other" } });
  const after = await json(url);
  t.not(after.headers.etag, before.headers.etag, "an earlier meeting enters the list, and the ETag changes");
  t.equal((after.json() as ActivityBody).meetingIds.length, EMBED_MAX_ITEMS);
});
