import { randomUUID } from "node:crypto";
import t, { type Test } from "tap";
import { createEditorKey, testApp } from "../helper.ts";
import { createGrantApplication, transition } from "../fixtures/grant-applications.ts";
import { CSV } from "../fixtures/imports.ts";
import { createMeeting, createParticipant } from "../fixtures/meetings.ts";
import { createCoordinator, validNip } from "../fixtures/records.ts";

/**
 * The request's context reaches every write it makes: each audit event names the request's API key and request id,
 * and under an Idempotency-Key the claim commits in the write's own transaction (its transaction hooks ran). The
 * context is passed explicitly from the route down (no AsyncLocalStorage), so each write path is checked here: the
 * plain one (node-postgres on PostgreSQL), Prisma's (a type with its own checks, an Idempotency-Key), a transition,
 * an import, a delete whose hook logs the participants, and the admin-only writes (webhook secret, API key).
 */

const { app, db, adminKey } = await testApp(t);
const editor = await createEditorKey(db);

const events = (resourceId: string) => db.prisma.auditEvent.findMany({ where: { resourceId }, orderBy: { sequence: "asc" } });
const who = (event: { action: string; keyId: string | null; keyName: string | null; requestId: string | null }) => [event.action, event.keyId, event.keyName, event.requestId];
const byEditor = (requestId: string, headers: Record<string, string> = {}) => ({ ...editor.headers, "x-request-id": requestId, ...headers });

/** The Idempotency-Key's claim was committed by the write's transaction and names the record it answered with. */
async function claimCommitted(t: Test, key: string, resultId: string | null) {
  const claim = await db.prisma.idempotencyKey.findFirst({ where: { key } });
  t.ok(claim?.committedAt, "the claim committed with the write (the request's transaction hooks ran)");
  t.equal(claim?.resultId ?? null, resultId, "the claim names the record written");
}

t.test("plain writes (create, update): the event names the request's key and id", async (t) => {
  const create = await app.inject({ method: "POST", url: "/v1/coordinators", headers: byEditor("ctx-plain-create"), payload: { name: "Kontekst Prosty Sp. z o.o." } });
  t.equal(create.statusCode, 201, { body: create.body });
  const { id } = create.json() as { id: string };
  const patch = await app.inject({
    method: "PATCH",
    url: `/v1/coordinators/${id}`,
    headers: byEditor("ctx-plain-update", { "if-match": String(create.headers.etag) }),
    payload: { phone: "+48 58 000 00 00" },
  });
  t.equal(patch.statusCode, 200, { body: patch.body });
  t.same((await events(id)).map(who), [
    ["create", editor.id, editor.record.name, "ctx-plain-create"],
    ["update", editor.id, editor.record.name, "ctx-plain-update"],
  ]);
});

t.test("writes under an Idempotency-Key: the event names the request, and the claim commits with the write", async (t) => {
  const key = `ctx-${randomUUID()}`;
  const create = await app.inject({
    method: "POST",
    url: "/v1/coordinators",
    headers: byEditor("ctx-idempotent-create", { "idempotency-key": key }),
    payload: { name: "Kontekst Idempotentny Sp. z o.o." },
  });
  t.equal(create.statusCode, 201, { body: create.body });
  const { id } = create.json() as { id: string };
  t.same((await events(id)).map(who), [["create", editor.id, editor.record.name, "ctx-idempotent-create"]]);
  await claimCommitted(t, key, id);

  // A type with checks of its own never takes the plain path.
  const activityKey = `ctx-${randomUUID()}`;
  const activity = await app.inject({
    method: "POST",
    url: "/v1/activities",
    headers: byEditor("ctx-idempotent-activity", { "idempotency-key": activityKey }),
    payload: { title: "Działanie z kontekstem", category: "other", status: "completed", year: 2013, coordinatorId: (await createCoordinator(app)).id },
  });
  t.equal(activity.statusCode, 201, { body: activity.body });
  const activityId = (activity.json() as { id: string }).id;
  t.same((await events(activityId)).map(who), [["create", editor.id, editor.record.name, "ctx-idempotent-activity"]]);
  await claimCommitted(t, activityKey, activityId);
});

t.test("a grant application's transition under an Idempotency-Key", async (t) => {
  const application = await createGrantApplication(app);
  const key = `ctx-${randomUUID()}`;
  const res = await transition(app, application.id, { to: "submitted", on: "2012-10-15" }, byEditor("ctx-transition", { "idempotency-key": key }));
  t.equal(res.statusCode, 200, { body: res.body });
  t.same((await events(application.id)).map(who).at(-1), ["transition", editor.id, editor.record.name, "ctx-transition"]);
  await claimCommitted(t, key, application.id);
});

t.test("an import under an Idempotency-Key, and one without: each row's event names the request", async (t) => {
  const key = `ctx-${randomUUID()}`;
  const nip = validNip(977);
  const importFile = (requestId: string, name: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: "POST",
      url: "/v1/imports?resource=organizations",
      headers: byEditor(requestId, { "content-type": CSV, ...headers }),
      payload: `nip,name,kind\r\n${nip},${name},ngo\r\n`,
    });
  const res = await importFile("ctx-import-create", "Fundacja Kontekstu", { "idempotency-key": key });
  t.equal(res.statusCode, 201, { body: res.body });
  const run = res.json() as { id: string; rows: Array<{ action: string; id: string }> };
  t.same(run.rows.map((row) => row.action), ["create"], { body: res.body });
  const id = run.rows[0]!.id;
  t.equal((await db.prisma.importRun.findUniqueOrThrow({ where: { id: run.id } })).keyId, editor.id, "the run names the key");
  await claimCommitted(t, key, null);

  const again = await importFile("ctx-import-update", "Fundacja Kontekstu Druga");
  t.equal(again.statusCode, 201, { body: again.body });
  t.same((again.json() as { rows: Array<{ action: string }> }).rows.map((row) => row.action), ["update"]);
  t.same((await events(id)).map(who), [
    ["create", editor.id, editor.record.name, "ctx-import-create"],
    ["update", editor.id, editor.record.name, "ctx-import-update"],
  ]);
});

t.test("a delete whose hook logs what goes with the record: every event names the request", async (t) => {
  const meeting = await createMeeting(app);
  const participant = await createParticipant(app, meeting.id, { personName: "Anna Kontekstowa" });
  const url = `/v1/meetings/${meeting.id}`;
  const etag = String((await app.inject({ url })).headers.etag);
  const res = await app.inject({ method: "DELETE", url, headers: byEditor("ctx-delete", { "if-match": etag }) });
  t.equal(res.statusCode, 204, { body: res.body });
  t.same((await events(meeting.id)).map(who).at(-1), ["delete", editor.id, editor.record.name, "ctx-delete"]);
  t.same((await events(participant.id)).map(who).at(-1), ["delete", editor.id, editor.record.name, "ctx-delete"], "the participant's event too");
});

t.test("admin writes: a webhook's new secret and an API key's revocation", async (t) => {
  const webhook = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: "https://93.184.215.14/hooks/context", eventTypes: ["meeting.created"] } });
  t.equal(webhook.statusCode, 201, { body: webhook.body });
  const { id } = webhook.json() as { id: string };
  const rotated = await app.inject({ method: "POST", url: `/v1/webhooks/${id}/rotate-secret`, headers: { "x-request-id": "ctx-rotate" }, payload: {} });
  t.equal(rotated.statusCode, 200, { body: rotated.body });
  t.same((await events(id)).map(who).at(-1), ["update", adminKey.id, adminKey.record.name, "ctx-rotate"]);

  const etag = String((await app.inject({ url: `/v1/api-keys/${editor.id}` })).headers.etag);
  const revoke = await app.inject({ method: "DELETE", url: `/v1/api-keys/${editor.id}`, headers: { "x-request-id": "ctx-revoke", "if-match": etag } });
  t.equal(revoke.statusCode, 204, { body: revoke.body });
  t.same((await events(editor.id)).map(who).at(-1), ["revoke", adminKey.id, adminKey.record.name, "ctx-revoke"]);
});
