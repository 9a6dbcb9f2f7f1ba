// Issue 9, defects 1–3: input a record cannot hold is a 400 naming the field, checked before anything is written.
// Each of these bodies once passed validation and reached a 500 (after the row was committed, for the activity).
import t from "tap";
import { buildApp } from "../../src/app.ts";
import { TEST_CONFIG, testApp } from "../helper.ts";
import { createCoordinator } from "../fixtures/records.ts";
import { expectProblem } from "../expect.ts";

const { app, db } = await testApp(t);
const coordinator = await createCoordinator(app);

t.test("defect 1: an activity whose startDate gives a year outside 1900–2200 (no year sent) is a 400 on startDate", async (t) => {
  const before = await db.prisma.activity.count();
  for (const startDate of ["2201-01-01", "1899-12-31", "0001-01-01", "9999-12-31"]) {
    const res = await app.inject({
      method: "POST",
      url: "/v1/activities",
      headers: { "idempotency-key": `activity-${startDate}` },
      payload: { coordinatorId: coordinator.id, title: "t", category: "strategy", status: "completed", startDate },
    });
    const problem = expectProblem(t, res, 400, "validation_failed", ["/startDate"]);
    t.match(problem.errors?.[0]?.message, /1900.*2200/, startDate);
    t.notOk(res.headers.location, "no Location");
    t.notOk(res.headers.etag, "no ETag");
  }
  t.equal(await db.prisma.activity.count(), before, "nothing was written");

  // The edges still work, and so does an explicit year with a far start date when the year lies within it.
  for (const startDate of ["1900-01-01", "2200-12-31"]) {
    const res = await app.inject({
      method: "POST",
      url: "/v1/activities",
      payload: { coordinatorId: coordinator.id, title: "t", category: "strategy", status: "completed", startDate },
    });
    t.equal(res.statusCode, 201, res.body);
    t.equal(res.json().year, Number(startDate.slice(0, 4)));
  }
});

t.test("defect 1, PATCH: clearing year so that it would come from an out-of-range startDate is a 400 too", async (t) => {
  const created = await app.inject({
    method: "POST",
    url: "/v1/activities",
    payload: { coordinatorId: coordinator.id, title: "t", category: "strategy", status: "completed", year: 2013 },
  });
  t.equal(created.statusCode, 201, created.body);
  const res = await app.inject({
    method: "PATCH",
    url: `/v1/activities/${created.json().id}`,
    headers: { "if-match": created.headers.etag as string },
    payload: { startDate: "2201-01-01", year: null },
  });
  expectProblem(t, res, 400, "validation_failed", ["/startDate"]);
  const after = await app.inject({ method: "GET", url: `/v1/activities/${created.json().id}` });
  t.equal(after.statusCode, 200);
  t.equal(after.json().version, 1, "unchanged");
});

t.test("defect 2: a meeting with a date and an invalid startsAt is a 400 on startsAt, on POST as on PATCH", async (t) => {
  for (const startsAt of ["x", "2013-13-45T99:99:99+02:00", ""]) {
    const res = await app.inject({
      method: "POST",
      url: "/v1/meetings",
      payload: { title: "Spotkanie", date: "2013-05-10", startsAt, format: "workshop" },
    });
    expectProblem(t, res, 400, "validation_failed", ["/startsAt"]);
  }
  // An invalid endsAt next to a valid startsAt, and an invalid time zone next to both.
  const endsAt = await app.inject({
    method: "POST",
    url: "/v1/meetings",
    payload: { title: "Spotkanie", date: "2013-05-10", startsAt: "2013-05-10T10:00:00+02:00", endsAt: "x", format: "workshop" },
  });
  expectProblem(t, endsAt, 400, "validation_failed", ["/endsAt"]);
  const zone = await app.inject({
    method: "POST",
    url: "/v1/meetings",
    payload: { title: "Spotkanie", date: "2013-05-10", startsAt: "2013-05-10T10:00:00+02:00", timeZone: "Mars/Olympus", format: "workshop" },
  });
  expectProblem(t, zone, 400, "validation_failed", ["/timeZone"]);
  t.equal(await db.prisma.meeting.count(), 0, "nothing was written");
  const created = await app.inject({ method: "POST", url: "/v1/meetings", payload: { title: "Spotkanie", date: "2013-05-10", format: "workshop" } });
  t.equal(created.statusCode, 201, created.body);
  const patched = await app.inject({
    method: "PATCH",
    url: `/v1/meetings/${created.json().id}`,
    headers: { "if-match": created.headers.etag as string },
    payload: { date: "2013-05-10", startsAt: "x" },
  });
  expectProblem(t, patched, 400, "validation_failed", ["/startsAt"]);
});

t.test("defect 3: an instant outside 0001–9999 in UTC is a 400 naming the field, wherever an RFC 3339 instant is taken", async (t) => {
  const before = await db.prisma.apiKey.count();
  for (const expiresAt of ["9999-12-31T23:59:59-23:59", "9999-12-31T23:00:00-01:00", "0001-01-01T00:00:00+00:01"]) {
    const res = await app.inject({ method: "POST", url: "/v1/api-keys", payload: { name: "far future", role: "reader", expiresAt } });
    expectProblem(t, res, 400, "validation_failed", ["/expiresAt"]);
  }
  t.equal(await db.prisma.apiKey.count(), before, "no key was created");
  const edge = await app.inject({ method: "POST", url: "/v1/api-keys", payload: { name: "edge", role: "reader", expiresAt: "9999-12-31T23:59:59+00:00" } });
  t.equal(edge.statusCode, 201, edge.body);
  t.equal(edge.json().expiresAt, "9999-12-31T23:59:59.000Z");

  const meeting = await app.inject({
    method: "POST",
    url: "/v1/meetings",
    payload: { title: "Spotkanie", startsAt: "9999-12-31T23:30:00-01:00", format: "workshop", timeZone: "UTC" },
  });
  expectProblem(t, meeting, 400, "validation_failed", ["/startsAt"]);
  const audit = await app.inject({ method: "GET", url: "/v1/audit-events?occurredTo=9999-12-31T23:59:59-23:59" });
  expectProblem(t, audit, 400, "validation_failed", ["/occurredTo"]);
});

t.test("a 500 carries no Location, ETag or Link set before the failure, and says nothing internal", async (t) => {
  const failing = await buildApp({ database: db, config: TEST_CONFIG });
  t.teardown(() => failing.close());
  failing.post("/fails-after-headers", async (_request, reply) => {
    reply.header("location", "/v1/things/1").header("etag", '"1.v1"').header("link", '</v1/things?cursor=x>; rel="next"');
    throw new Error("SELECT secret FROM internals");
  });
  const res = await failing.inject({ method: "POST", url: "/fails-after-headers" });
  const problem = expectProblem(t, res, 500, "internal_error");
  t.notOk(res.headers.location, "no Location");
  t.notOk(res.headers.etag, "no ETag");
  t.notOk(res.headers.link, "no Link");
  t.notMatch(res.body, /secret|internals|SELECT/);
  t.equal(problem.requestId, res.headers["x-request-id"]);
});
