import t from "tap";
import { testApp } from "../../helper.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { createActivity, createGrantApplication, createMediaPartner, createMeeting, createPublication } from "../../fixtures/activities.ts";
import { expectProblem } from "../../expect.ts";

const { app, db } = await testApp(t);
const get = (id: string) => app.inject({ method: "GET", url: `/v1/activities/${id}` });
const del = (id: string, version = 1) => app.inject({ method: "DELETE", url: `/v1/activities/${id}`, headers: { "if-match": `"${id}.v${version}"` } });

const coordinator = await createCoordinator(app);

t.test("meetingIds, grantApplicationIds and publicationIds list what points at the activity", async (t) => {
  const strategy = await createActivity(app, { coordinatorId: coordinator.id, category: "strategy", year: undefined, startDate: "2013-05-10", endDate: "2013-09-20" });
  const other = await createActivity(app, { coordinatorId: coordinator.id });
  // Created out of date order: meetingIds come by date.
  const third = await createMeeting(db, strategy.id, "2013-09-20");
  const first = await createMeeting(db, strategy.id, "2013-05-10");
  const second = await createMeeting(db, strategy.id, "2013-06-19");
  await createMeeting(db, other.id);
  const application = await createGrantApplication(db, { applicantId: coordinator.id, activityId: strategy.id });
  const portal = await createMediaPartner(db, { name: "gospodarkamorska.pl" });
  const publication = await createPublication(db, { mediaPartnerId: portal.id, activityId: strategy.id });

  const body = (await get(strategy.id)).json();
  t.strictSame(body.meetingIds, [first.id, second.id, third.id], "the three strategy meetings, by date; not the other activity's");
  t.strictSame(body.grantApplicationIds, [application.id]);
  t.strictSame(body.publicationIds, [publication.id]);
  t.equal(body.version, 1, "links from other records do not change the activity's version");
  const otherBody = (await get(other.id)).json();
  t.equal(otherBody.meetingIds.length, 1);
  t.same(otherBody.grantApplicationIds, []);

  const listed = await app.inject({ method: "GET", url: `/v1/activities?coordinatorId=${coordinator.id}&category=strategy` });
  t.equal(listed.statusCode, 200);
  t.strictSame(listed.json().data.map((a: { meetingIds: string[] }) => a.meetingIds), [[first.id, second.id, third.id]], "lists carry the links too");
});

t.test("an activity still referenced cannot be deleted; 409 names what references it", async (t) => {
  const a = await createActivity(app, { coordinatorId: coordinator.id });
  const meeting = await createMeeting(db, a.id);
  const application = await createGrantApplication(db, { applicantId: coordinator.id, activityId: a.id });
  const portal = await createMediaPartner(db);
  const publication = await createPublication(db, { mediaPartnerId: portal.id, activityId: a.id });

  const problem = expectProblem(t, await del(a.id), 409, "still_referenced");
  t.match(problem.detail, /1 meetings \(activityId\)/);
  t.match(problem.detail, /1 grant-applications \(activityId\)/);
  t.match(problem.detail, /1 publications \(activityId\)/);
  t.same(problem.references, [
    { resource: "meetings", field: "activityId", count: 1 },
    { resource: "grant-applications", field: "activityId", count: 1 },
    { resource: "publications", field: "activityId", count: 1 },
  ]);
  t.equal((await get(a.id)).statusCode, 200, "still there");

  await db.prisma.meeting.delete({ where: { id: meeting.id } });
  await db.prisma.grantApplication.delete({ where: { id: application.id } });
  const onlyPublication = expectProblem(t, await del(a.id), 409, "still_referenced");
  t.same(onlyPublication.references, [{ resource: "publications", field: "activityId", count: 1 }], "only what still references it");
  await db.prisma.mediaPublication.delete({ where: { id: publication.id } });
  t.equal((await del(a.id)).statusCode, 204);
  expectProblem(t, await get(a.id), 404, "not_found");
});

t.test("deleting an activity deletes its media-partner links, not the media partners", async (t) => {
  const portalA = await createMediaPartner(db, { name: "pracujwlogistyce.pl" });
  const portalB = await createMediaPartner(db, { name: "wiadomosci24.pl" });
  const a = await createActivity(app, { coordinatorId: coordinator.id, category: "promotion", mediaPartnerIds: [portalA.id, portalB.id] });
  const b = await createActivity(app, { coordinatorId: coordinator.id, category: "promotion", mediaPartnerIds: [portalA.id] });
  t.equal(await db.prisma.activityMediaPartner.count({ where: { activityId: a.id } }), 2);
  t.equal((await del(a.id)).statusCode, 204, "links do not block the delete");
  t.equal(await db.prisma.activityMediaPartner.count({ where: { activityId: a.id } }), 0, "its links are gone");
  t.equal(await db.prisma.mediaPartner.count({ where: { id: { in: [portalA.id, portalB.id] } } }), 2, "the media partners remain");
  t.same((await get(b.id)).json().mediaPartnerIds, [portalA.id], "another activity's link is untouched");
});
