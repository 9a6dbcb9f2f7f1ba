import { randomUUID } from "node:crypto";
import t, { type Test } from "tap";
import { createEditorKey, createReaderKey, createTestKey, testApp } from "../helper.ts";
import { createCoordinator, validNip } from "../fixtures/records.ts";
import { createGrantApplication, transition } from "../fixtures/grant-applications.ts";
import { createMeeting, createParticipant } from "../fixtures/meetings.ts";
import { createOrganization } from "../fixtures/organizations.ts";
import { createActivity } from "../fixtures/activities.ts";
import { createMediaPartner } from "../fixtures/media-partners.ts";
import { expectProblem, ISO_UTC, nextLinkOf, UUID_V7 } from "../expect.ts";
import { recordAudit } from "../../src/lib/audit.ts";
import { recordServices } from "../../src/lib/record-services.ts";
import { coordinators } from "../../src/modules/coordinators/coordinators-resource.ts";
import { RESOURCES } from "../../src/modules/resources.ts";

/**
 * The audit trail: every write appends an event in its own transaction (so a write that fails leaves none), with
 * the before/after of exactly the fields that changed; /v1/audit-events lists them (admin), …/{id}/history per record.
 */

// Every app.inject sends the admin key unless a test names another (test/helper.ts).
const { app, db, adminKey } = await testApp(t);

type AuditEvent = {
  id: string;
  occurredAt: string;
  keyId: string | null;
  keyName: string | null;
  requestId: string | null;
  action: string;
  resourceType: string;
  resourceId: string;
  parentId: string | null;
  version: number | null;
  changes: Record<string, { before: unknown; after: unknown }>;
};

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url, headers });

async function history(t: Test, url: string): Promise<AuditEvent[]> {
  const res = await get(`${url}/history?limit=100`);
  t.equal(res.statusCode, 200, `GET ${url}/history`, { body: res.body });
  return (res.json() as { data: AuditEvent[] }).data;
}

async function auditEvents(t: Test, query: string): Promise<{ data: AuditEvent[]; nextCursor: string | null }> {
  const res = await get(`/v1/audit-events?${query}`);
  t.equal(res.statusCode, 200, `GET /v1/audit-events?${query}`, { body: res.body });
  return res.json();
}

const countEvents = () => db.prisma.auditEvent.count();

t.test("create, update and delete of a coordinator leave three events with exactly the changed fields", async (t) => {
  const create = await app.inject({
    method: "POST",
    url: "/v1/coordinators",
    headers: { "x-request-id": "audit-create-1" },
    payload: { name: "Zarząd Inicjatyw Sp. z o.o.", legalForm: "limited_liability_company", address: { city: "Gdańsk", postalCode: "80-309" } },
  });
  t.equal(create.statusCode, 201, "created", { body: create.body });
  const coordinator = create.json() as { id: string };
  const url = `/v1/coordinators/${coordinator.id}`;

  let events = await history(t, url);
  t.equal(events.length, 1, "one event after the create");
  const created = events[0]!;
  t.match(created.id, UUID_V7);
  t.match(created.occurredAt, ISO_UTC);
  t.equal(created.action, "create");
  t.equal(created.resourceType, "coordinators");
  t.equal(created.resourceId, coordinator.id);
  t.equal(created.parentId, null);
  t.equal(created.version, 1);
  t.equal(created.requestId, "audit-create-1", "the request id the client sent");
  t.equal(created.keyId, adminKey.id, "the API key that made the change");
  t.equal(created.keyName, adminKey.record.name);
  t.same(
    created.changes,
    {
      name: { before: null, after: "Zarząd Inicjatyw Sp. z o.o." },
      legalForm: { before: null, after: "limited_liability_company" },
      address: { before: null, after: { street: null, postalCode: "80-309", city: "Gdańsk", country: "PL" } },
    },
    "a create lists every field it set, from null (fields left empty are not changes)",
  );

  const patch = await app.inject({
    method: "PATCH",
    url,
    headers: { "if-match": String(create.headers.etag), "x-request-id": "audit-update-1" },
    payload: { phone: "+48 58 123 45 67", address: { street: "Długa 1" }, name: "Zarząd Inicjatyw Sp. z o.o." },
  });
  t.equal(patch.statusCode, 200, "patched", { body: patch.body });
  events = await history(t, url);
  t.equal(events.length, 2);
  const updated = events[1]!;
  t.equal(updated.action, "update");
  t.equal(updated.version, 2, "the version after the change");
  t.equal(updated.requestId, "audit-update-1");
  t.same(
    updated.changes,
    {
      phone: { before: null, after: "+48 58 123 45 67" },
      address: {
        before: { street: null, postalCode: "80-309", city: "Gdańsk", country: "PL" },
        after: { street: "Długa 1", postalCode: "80-309", city: "Gdańsk", country: "PL" },
      },
    },
    "only the fields that differ (name was sent unchanged); nested objects compared deeply",
  );

  const remove = await app.inject({ method: "DELETE", url, headers: { "if-match": String(patch.headers.etag), "x-request-id": "audit-delete-1" } });
  t.equal(remove.statusCode, 204);
  t.equal((await get(url)).statusCode, 404, "the record is gone");
  events = await history(t, url);
  t.same(
    events.map((event) => event.action),
    ["create", "update", "delete"],
    "a deleted record's history stays readable, oldest first",
  );
  const deleted = events[2]!;
  t.equal(deleted.version, 2, "the version deleted");
  t.equal(deleted.requestId, "audit-delete-1");
  t.same(deleted.changes.name, { before: "Zarząd Inicjatyw Sp. z o.o.", after: null });
  t.same(deleted.changes.phone, { before: "+48 58 123 45 67", after: null });
  t.notOk("shortName" in deleted.changes, "empty fields are not listed on delete either");
  t.ok(
    events.every((event) => !("searchText" in event.changes)),
    "internal columns are not logged",
  );
});

t.test("history: 404 for a record that never existed; empty for one that predates the log", async (t) => {
  expectProblem(t, await get(`/v1/coordinators/${randomUUID()}/history`), 404, "not_found");
  expectProblem(t, await get(`/v1/clusters/${randomUUID()}/history`), 404, "not_found");
  expectProblem(t, await get(`/v1/coordinators/not-a-uuid/history`), 400, "validation_failed", ["/id"]);
  // A row written straight into the database (as before the audit log existed) has no events.
  const row = await db.prisma.coordinator.create({ data: { name: "Sprzed dziennika" } });
  const res = await get(`/v1/coordinators/${row.id}/history`);
  t.equal(res.statusCode, 200);
  t.same(res.json(), { data: [], nextCursor: null });
});

t.test("a grant application's status change is a transition event, shown by its history", async (t) => {
  const application = await createGrantApplication(app);
  const url = `/v1/grant-applications/${application.id}`;
  const res = await transition(app, application.id, { to: "submitted", on: "2012-10-15", note: "Złożony w terminie" }, { "x-request-id": "audit-transition-1" });
  t.equal(res.statusCode, 200, "submitted", { body: res.body });

  const events = await history(t, url);
  t.same(
    events.map((event) => event.action),
    ["create", "transition"],
  );
  t.equal(events[0]!.changes.status?.after, "draft", "created as a draft");
  const moved = events[1]!;
  t.equal(moved.resourceType, "grant-applications");
  t.equal(moved.version, 2);
  t.equal(moved.requestId, "audit-transition-1");
  t.same(moved.changes, {
    status: { before: "draft", after: "submitted" },
    statusChangedOn: { before: null, after: "2012-10-15" },
    submittedOn: { before: null, after: "2012-10-15" },
  });

  // An illegal transition is rolled back: no event.
  const before = await countEvents();
  expectProblem(t, await transition(app, application.id, { to: "contracted" }), 409, "transition_not_allowed");
  expectProblem(t, await transition(app, application.id, { to: "under_evaluation", on: "2012-01-01" }), 400, "validation_failed", ["/on"]);
  t.equal(await countEvents(), before, "failed transitions leave no event");
  t.equal((await history(t, url)).length, 2);

  // The status history stays as it was.
  const statusHistory = await get(`${url}/status-history`);
  t.equal(statusHistory.statusCode, 200);
  t.same(
    (statusHistory.json() as { data: Array<{ to: string }> }).data.map((change) => change.to),
    ["draft", "submitted"],
  );

  // A PATCH does not touch the status, so its event does not list it.
  const current = await get(url);
  const patch = await app.inject({ method: "PATCH", url, headers: { "if-match": String(current.headers.etag) }, payload: { callName: "RPO WP 1.6" } });
  t.equal(patch.statusCode, 200, { body: patch.body });
  const last = (await history(t, url)).at(-1)!;
  t.same(last.changes, { callName: { before: null, after: "RPO WP 1.6" } });
  t.equal(last.version, 3);
});

t.test("a write that fails leaves no event", async (t) => {
  const organization = await createOrganization(app, { nip: validNip(4_400_001) });
  const other = await createOrganization(app);
  const coordinator = await createCoordinator(app, { address: null });
  const etagOf = async (url: string) => String((await get(url)).headers.etag);
  const before = await countEvents();

  // Fails validation after loading: the merged record has an address without a city.
  expectProblem(
    t,
    await app.inject({
      method: "PATCH",
      url: `/v1/coordinators/${coordinator.id}`,
      headers: { "if-match": await etagOf(`/v1/coordinators/${coordinator.id}`) },
      payload: { address: { street: "Długa 1" } },
    }),
    400,
    "validation_failed",
  );
  // Stale If-Match.
  expectProblem(
    t,
    await app.inject({ method: "PATCH", url: `/v1/coordinators/${coordinator.id}`, headers: { "if-match": '"stale"' }, payload: { phone: "+48 58 000 00 00" } }),
    412,
    "version_mismatch",
  );
  // A unique-key conflict raised by the UPDATE itself, inside the transaction.
  expectProblem(
    t,
    await app.inject({
      method: "PATCH",
      url: `/v1/organizations/${other.id}`,
      headers: { "if-match": await etagOf(`/v1/organizations/${other.id}`) },
      payload: { nip: organization.nip },
    }),
    409,
    "conflict",
  );
  // And by an INSERT.
  expectProblem(t, await app.inject({ method: "POST", url: "/v1/organizations", payload: { name: "Duplikat", kind: "business", nip: organization.nip } }), 409, "conflict");
  // A referenced record that does not exist.
  expectProblem(t, await app.inject({ method: "POST", url: "/v1/clusters", payload: { name: "Klaster bez koordynatora", sectors: [], coordinatorId: randomUUID() } }), 422, "reference_not_found");
  // A delete refused because the record is still referenced.
  await app.inject({ method: "POST", url: "/v1/clusters", payload: { name: "Klaster audytu", sectors: [], coordinatorId: coordinator.id } });
  const afterCluster = await countEvents();
  t.equal(afterCluster, before + 1, "the successful cluster create is logged");
  expectProblem(
    t,
    await app.inject({ method: "DELETE", url: `/v1/coordinators/${coordinator.id}`, headers: { "if-match": await etagOf(`/v1/coordinators/${coordinator.id}`) } }),
    409,
    "still_referenced",
  );
  t.equal(await countEvents(), afterCluster, "no event for any of the failed writes");
  t.same(
    (await history(t, `/v1/coordinators/${coordinator.id}`)).map((event) => event.action),
    ["create"],
  );
});

t.test("an event written in a transaction that rolls back is gone with it", async (t) => {
  const before = await countEvents();
  const coordinator = await createCoordinator(app);
  const after = await countEvents();
  await t.rejects(
    db.prisma.$transaction(async (tx) => {
      await recordAudit(tx, { action: "update", resourceType: "coordinators", resourceId: coordinator.id, version: 2, before: { a: 1 }, after: { a: 2 } }, undefined);
      t.equal(await tx.auditEvent.count(), after + 1, "visible inside the transaction");
      throw new Error("the write failed after its event was recorded");
    }),
    /the write failed/,
  );
  t.equal(await countEvents(), after, "rolled back with the write");
  t.equal(after, before + 1);
});

t.test("an event is stamped when it is written, not when its transaction began", async (t) => {
  // Writes queued on one row lock commit in lock order; their events must show that order, whatever moment each
  // transaction started. So occurred_at defaults to clock_timestamp(), not now().
  const coordinator = await createCoordinator(app);
  const { started, occurredAt } = await db.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<Array<{ started: Date }>>`SELECT now() AS started`;
    await new Promise((resolve) => setTimeout(resolve, 60));
    await recordAudit(tx, { action: "update", resourceType: "coordinators", resourceId: coordinator.id, version: 2, before: { a: 1 }, after: { a: 2 } }, undefined);
    const event = await tx.auditEvent.findFirstOrThrow({ where: { resourceId: coordinator.id, action: "update" } });
    return { started: row!.started, occurredAt: event.occurredAt };
  });
  t.ok(occurredAt.getTime() - started.getTime() >= 50, `written ${occurredAt.getTime() - started.getTime()} ms after the transaction began`);
});

t.test("an idempotent replay is not a second write", async (t) => {
  const request = { method: "POST" as const, url: "/v1/coordinators", headers: { "idempotency-key": `audit-${randomUUID()}` }, payload: { name: "Raz tylko" } };
  const first = await app.inject(request);
  const replay = await app.inject(request);
  t.equal(first.statusCode, 201);
  t.equal(replay.headers["idempotent-replayed"], "true");
  const { id } = first.json() as { id: string };
  t.same(
    (await history(t, `/v1/coordinators/${id}`)).map((event) => event.action),
    ["create"],
  );
});

t.test("writes outside a request (seeding, scripts) are logged without key or request id", async (t) => {
  const created = await recordServices(db.prisma, RESOURCES).of(coordinators).create({ name: "Z konsoli", address: null } as never);
  const events = await history(t, `/v1/coordinators/${created.id}`);
  t.equal(events.length, 1);
  t.equal(events[0]!.keyId, null);
  t.equal(events[0]!.keyName, null);
  t.equal(events[0]!.requestId, null);
  t.same(events[0]!.changes, { name: { before: null, after: "Z konsoli" } });
});

t.test("sub-resources: participants have their own history under their meeting", async (t) => {
  const meeting = await createMeeting(app);
  const participant = await createParticipant(app, meeting.id, { personName: "Jan Kowalski" });
  const url = `/v1/meetings/${meeting.id}/participants/${participant.id}`;
  const res = await app.inject({ method: "PATCH", url, headers: { "if-match": String((await get(url)).headers.etag) }, payload: { role: "moderator" } });
  t.equal(res.statusCode, 200, { body: res.body });

  let events = await history(t, url);
  t.same(
    events.map((event) => [event.action, event.resourceType, event.parentId]),
    [
      ["create", "meeting-participants", meeting.id],
      ["update", "meeting-participants", meeting.id],
    ],
  );
  t.same(events[1]!.changes, { role: { before: null, after: "moderator" } });
  t.notOk("meetingId" in events[0]!.changes, "the parent is in parentId, not in the changes");

  const elsewhere = await createMeeting(app);
  expectProblem(t, await get(`/v1/meetings/${elsewhere.id}/participants/${participant.id}/history`), 404, "not_found");
  expectProblem(t, await get(`/v1/meetings/${randomUUID()}/participants/${participant.id}/history`), 404, "not_found");

  // Deleting the meeting deletes its participants, and each deletion is logged.
  const meetingUrl = `/v1/meetings/${meeting.id}`;
  const remove = await app.inject({ method: "DELETE", url: meetingUrl, headers: { "if-match": String((await get(meetingUrl)).headers.etag) } });
  t.equal(remove.statusCode, 204);
  events = await history(t, url);
  t.same(
    events.map((event) => event.action),
    ["create", "update", "delete"],
    "the participant's history, readable after its meeting is gone",
  );
  t.same(events[2]!.changes.personName, { before: "Jan Kowalski", after: null });
  const meetingEvents = await history(t, meetingUrl);
  t.same(
    meetingEvents.map((event) => event.action),
    ["create", "delete"],
  );
  t.equal(meetingEvents[1]!.changes.date?.before, meeting.date, "the meeting's date is part of its logged shape");
});

t.test("an activity's media-partner links are logged as mediaPartnerIds", async (t) => {
  const partnerA = await createMediaPartner(app);
  const partnerB = await createMediaPartner(app);
  const activity = await createActivity(app, { mediaPartnerIds: [partnerA.id] });
  const url = `/v1/activities/${activity.id}`;
  const res = await app.inject({ method: "PATCH", url, headers: { "if-match": String((await get(url)).headers.etag) }, payload: { mediaPartnerIds: [partnerA.id, partnerB.id] } });
  t.equal(res.statusCode, 200, { body: res.body });
  const events = await history(t, url);
  t.same(events[0]!.changes.mediaPartnerIds, { before: null, after: [partnerA.id] });
  t.same(events[1]!.changes, { mediaPartnerIds: { before: [partnerA.id], after: [partnerA.id, partnerB.id] } });

  const remove = await app.inject({ method: "DELETE", url, headers: { "if-match": String(res.headers.etag) } });
  t.equal(remove.statusCode, 204, { body: remove.body });
  t.same((await history(t, url)).at(-1)!.changes.mediaPartnerIds, { before: [partnerA.id, partnerB.id], after: null }, "links deleted with it");
});

t.test("GET /v1/audit-events: newest first, cursor pages, filters", async (t) => {
  const coordinator = await createCoordinator(app);
  const url = `/v1/coordinators/${coordinator.id}`;
  let etag = String((await get(url)).headers.etag);
  for (const phone of ["+48 58 111 11 11", "+48 58 222 22 22", "+48 58 333 33 33"]) {
    const res = await app.inject({ method: "PATCH", url, headers: { "if-match": etag, "x-request-id": `audit-list-${phone.slice(-2)}` }, payload: { phone } });
    t.equal(res.statusCode, 200);
    etag = String(res.headers.etag);
  }

  const all = await auditEvents(t, `resourceId=${coordinator.id}&limit=100`);
  t.same(
    all.data.map((event) => [event.action, event.version]),
    [
      ["update", 4],
      ["update", 3],
      ["update", 2],
      ["create", 1],
    ],
    "newest first",
  );
  t.equal(all.nextCursor, null);

  // Cursor pages, two at a time, over the whole log: same events, same order, no duplicates.
  const everything = await auditEvents(t, "limit=100");
  const paged: AuditEvent[] = [];
  let next: string | undefined = "/v1/audit-events?limit=2";
  while (next) {
    const res = await get(next);
    t.equal(res.statusCode, 200);
    paged.push(...(res.json() as { data: AuditEvent[] }).data);
    next = nextLinkOf(t, res);
  }
  t.same(
    paged.map((event) => event.id),
    everything.data.map((event) => event.id),
    "pages add up to the whole list",
  );
  for (let i = 1; i < everything.data.length; i++) {
    const [newer, older] = [everything.data[i - 1]!, everything.data[i]!];
    t.ok(newer.occurredAt > older.occurredAt || (newer.occurredAt === older.occurredAt && newer.id > older.id), "occurredAt desc, id desc");
  }

  t.same(
    (await auditEvents(t, `resourceId=${coordinator.id}&action=create`)).data.map((event) => event.version),
    [1],
  );
  t.same(
    (await auditEvents(t, "requestId=audit-list-22")).data.map((event) => [event.resourceId, event.version]),
    [[coordinator.id, 3]],
  );
  const types = new Set((await auditEvents(t, "resourceType=grant-applications&limit=100")).data.map((event) => event.resourceType));
  t.same([...types], ["grant-applications"]);
  t.same((await auditEvents(t, `keyId=${randomUUID()}`)).data, []);

  // Time range: inclusive at both ends.
  const middle = all.data[2]!;
  const from = await auditEvents(t, `resourceId=${coordinator.id}&occurredFrom=${encodeURIComponent(middle.occurredAt)}`);
  t.ok(
    from.data.every((event) => event.occurredAt >= middle.occurredAt),
    "occurredFrom",
  );
  t.ok(from.data.some((event) => event.id === middle.id));
  const to = await auditEvents(t, `resourceId=${coordinator.id}&occurredTo=${encodeURIComponent(middle.occurredAt)}`);
  t.ok(to.data.every((event) => event.occurredAt <= middle.occurredAt));
  t.ok(to.data.some((event) => event.id === middle.id));
  t.same((await auditEvents(t, `resourceId=${coordinator.id}&occurredTo=2000-01-01T00:00:00%2B01:00`)).data, [], "offsets accepted");

  expectProblem(t, await get("/v1/audit-events?action=erase"), 400, "validation_failed", ["/action"]);
  expectProblem(t, await get("/v1/audit-events?resourceType=people"), 400, "validation_failed", ["/resourceType"]);
  expectProblem(t, await get("/v1/audit-events?occurredFrom=yesterday"), 400, "validation_failed", ["/occurredFrom"]);
  expectProblem(t, await get("/v1/audit-events?occurredFrom=2013-02-01T00:00:00Z&occurredTo=2013-01-01T00:00:00Z"), 400, "validation_failed", ["/occurredTo"]);
  expectProblem(t, await get("/v1/audit-events?cursor=garbage"), 400, "invalid_cursor");

  // History pages too, oldest first.
  const first = await get(`${url}/history?limit=3`);
  t.same(
    (first.json() as { data: AuditEvent[] }).data.map((event) => event.version),
    [1, 2, 3],
  );
  const rest = await get(nextLinkOf(t, first)!);
  t.same(
    (rest.json() as { data: AuditEvent[]; nextCursor: string | null }).data.map((event) => event.version),
    [4],
  );
  t.equal((rest.json() as { nextCursor: string | null }).nextCursor, null);
});

t.test("the log is append-only: the database rejects UPDATE and DELETE", async (t) => {
  const event = await db.prisma.auditEvent.findFirstOrThrow();
  await t.rejects(db.prisma.auditEvent.update({ where: { id: event.id }, data: { action: "delete" } }), "UPDATE is rejected");
  await t.rejects(db.prisma.auditEvent.deleteMany({}), "DELETE is rejected");
  await t.rejects(db.prisma.$executeRawUnsafe(`DELETE FROM audit_events WHERE id = '${event.id}'`), "raw DELETE too");
  t.same(await db.prisma.auditEvent.findUniqueOrThrow({ where: { id: event.id } }), event, "unchanged");
  // No route changes or deletes an event.
  for (const method of ["PATCH", "PUT", "DELETE", "POST"] as const) {
    const res = await app.inject({ method, url: `/v1/audit-events/${event.id}`, payload: method === "DELETE" ? undefined : {} });
    t.equal(res.statusCode, 404, `${method} /v1/audit-events/{id} does not exist`);
  }
  const res = await app.inject({ method: "DELETE", url: "/v1/audit-events" });
  t.equal(res.statusCode, 405, "DELETE on the collection is not allowed");
});

t.test("who: each event names the key that made the change; readers read history, only admins the whole log", async (t) => {
  const editor = await createTestKey(db, "editor", { name: "biuro klastra" });
  const reader = await createReaderKey(db);
  const create = await app.inject({ method: "POST", url: "/v1/coordinators", headers: editor.headers, payload: { name: "Przez edytora" } });
  t.equal(create.statusCode, 201, { body: create.body });
  const { id } = create.json() as { id: string };
  const patch = await app.inject({
    method: "PATCH",
    url: `/v1/coordinators/${id}`,
    headers: { ...editor.headers, "if-match": String(create.headers.etag) },
    payload: { shortName: "PE" },
  });
  t.equal(patch.statusCode, 200, { body: patch.body });

  const res = await get(`/v1/coordinators/${id}/history`, reader.headers);
  t.equal(res.statusCode, 200, "a reader reads history", { body: res.body });
  const events = (res.json() as { data: AuditEvent[] }).data;
  t.same(
    events.map((event) => [event.action, event.keyId, event.keyName]),
    [
      ["create", editor.id, "biuro klastra"],
      ["update", editor.id, "biuro klastra"],
    ],
  );
  t.same(
    (await auditEvents(t, `keyId=${editor.id}`)).data.map((event) => event.action),
    ["update", "create"],
    "filter by key",
  );

  expectProblem(t, await get("/v1/audit-events", reader.headers), 403, "forbidden");
  expectProblem(t, await get("/v1/audit-events", (await createEditorKey(db)).headers), 403, "forbidden");
  expectProblem(t, await get("/v1/audit-events", { authorization: undefined as unknown as string }), 401, "unauthorized");
  expectProblem(t, await get(`/v1/coordinators/${id}/history`, { authorization: undefined as unknown as string }), 401, "unauthorized");
  t.equal((await get("/v1/audit-events")).statusCode, 200, "an admin reads the log");
  expectProblem(
    t,
    await app.inject({ method: "PATCH", url: `/v1/coordinators/${id}`, headers: { ...reader.headers, "if-match": String(patch.headers.etag) }, payload: { shortName: "X" } }),
    403,
    "forbidden",
  );
  t.equal((await get(`/v1/coordinators/${id}/history`)).json().data.length, 2, "a refused write leaves no event");
});

t.test("secrets never appear in an event: creating and revoking an API key", async (t) => {
  const create = await app.inject({ method: "POST", url: "/v1/api-keys", headers: { "x-request-id": "audit-key-1" }, payload: { name: "klucz audytu", role: "reader" } });
  t.equal(create.statusCode, 201, { body: create.body });
  const created = create.json() as { id: string; key: string; prefix: string };
  t.ok(created.key.length > 20, "the key is shown once");
  const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });

  const revoke = await app.inject({ method: "DELETE", url: `/v1/api-keys/${created.id}`, headers: { "if-match": String(create.headers.etag) } });
  t.equal(revoke.statusCode, 204, { body: revoke.body });

  const events = (await auditEvents(t, `resourceType=api-keys&resourceId=${created.id}`)).data;
  t.same(
    events.map((event) => event.action),
    ["revoke", "create"],
  );
  t.equal(events[1]!.requestId, "audit-key-1");
  t.equal(events[1]!.keyId, adminKey.id);
  t.same(events[1]!.changes.name, { before: null, after: "klucz audytu" });
  t.ok(events[0]!.changes.revokedAt, "the revocation is logged");
  const stored = JSON.stringify(await db.prisma.auditEvent.findMany({ where: { resourceId: created.id } }), (_key, value: unknown) =>
    typeof value === "bigint" ? value.toString() : value,
  );
  t.notOk(stored.includes(created.key), "not the key");
  t.notOk(stored.includes(created.key.split("_").at(-1)!), "not its secret part");
  t.notOk(stored.includes(row.secretHash), "not its hash");
  t.notOk(/"(key|secretHash)"/.test(stored), "no key or secretHash member at all");
});

t.test("the README's grants leave the app's role INSERT and SELECT on the log, nothing else", async (t) => {
  const role = `audit_app_${process.pid}_${Date.now()}`;
  const sql = (statement: string) => db.prisma.$executeRawUnsafe(statement);
  await sql(`CREATE ROLE ${role} NOLOGIN`);
  t.teardown(async () => {
    await sql(`DROP OWNED BY ${role}`);
    await sql(`DROP ROLE ${role}`);
  });
  // The README's statements, with app_role replaced.
  await sql(`GRANT USAGE ON SCHEMA public TO ${role}`);
  await sql(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
  await sql(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
  await sql(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM ${role}`);
  await sql(`GRANT INSERT, SELECT ON audit_events TO ${role}`);

  const event = await db.prisma.auditEvent.findFirstOrThrow();
  const asApp = (statement: string) =>
    db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL ROLE ${role}`);
      return tx.$queryRawUnsafe<unknown[]>(statement);
    });
  const insertedId = randomUUID();
  await asApp(`INSERT INTO audit_events (id, action, resource_type, resource_id) VALUES ('${insertedId}', 'create', 'coordinators', '${randomUUID()}') RETURNING id`);
  t.equal(await db.prisma.auditEvent.count({ where: { id: insertedId } }), 1, "INSERT is allowed");
  t.equal((await asApp(`SELECT id FROM audit_events WHERE id = '${event.id}'`)).length, 1, "SELECT is allowed");
  t.equal((await asApp(`SELECT id FROM coordinators LIMIT 1`)).length, 1, "the other tables are readable");
  for (const statement of [
    `UPDATE audit_events SET action = 'delete' WHERE id = '${event.id}' RETURNING id`,
    `DELETE FROM audit_events WHERE id = '${event.id}' RETURNING id`,
    `TRUNCATE audit_events`,
  ]) {
    await t.rejects(asApp(statement), /permission denied/i, `${statement.split(" ")[0]} is denied to the app's role`);
  }
  t.equal(await db.prisma.auditEvent.count({ where: { id: event.id } }), 1, "the event is still there");
});
