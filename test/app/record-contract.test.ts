import type { LightMyRequestResponse } from "fastify";
import t, { type Test } from "tap";
import { RESOURCES } from "../../src/modules/resources.ts";
import { ISO_UTC, UUID_V7, expectProblem } from "../expect.ts";
import { RECORD_TYPES, collectionOf, parentOf, type Body } from "../fixtures/record-types.ts";
import { testApp } from "../helper.ts";

/**
 * The life every record type shares, checked for each one (a row of test/fixtures/record-types.ts): create (201,
 * Location, version 1, an ETag derived from id + version), get (ETag, If-None-Match -> 304), update (If-Match: 428
 * missing, 412 stale; version +1, a new ETag), delete (If-Match; 409 while another record refers to it), history
 * (create, update and delete in order, readable after the delete), and 404 for an unknown id or parent.
 * Lists (pages, sort, q) are in record-contract-lists.test.ts.
 */

const { app, db } = await testApp(t);
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";
type Rec = { id: string; version: number; createdAt: string; updatedAt: string } & Record<string, unknown>;
type AuditEvent = {
  action: string;
  resourceType: string;
  resourceId: string;
  parentId: string | null;
  version: number;
  changes: Record<string, { before: unknown; after: unknown }>;
};

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url, headers });
const post = (url: string, payload: Body) => app.inject({ method: "POST", url, payload });
const patch = (url: string, payload: Body, headers: Record<string, string> = {}) => app.inject({ method: "PATCH", url, payload, headers });
const del = (url: string, headers: Record<string, string> = {}) => app.inject({ method: "DELETE", url, headers });
const notFound = (t: Test, res: LightMyRequestResponse, noun: string) => t.match(expectProblem(t, res, 404, "not_found").detail, `No ${noun} with id`);

t.test("the table has one row for every record type, and a referencing record for every type that has references", async (t) => {
  t.same(RECORD_TYPES.map((row) => row.definition.key).sort(), RESOURCES.map((definition) => definition.key).sort());
  for (const { definition, referencedBy } of RECORD_TYPES) t.equal(Boolean(referencedBy), Boolean(definition.references), definition.key);
});

for (const row of RECORD_TYPES) {
  const { definition } = row;
  const parent = parentOf(definition);
  const noun = definition.names.inProblems ?? definition.names.noun;
  // A record's ETag is "<id>.v<version>", with a digest of the body when the record carries derived fields.
  const etagOf = (id: string, version: number) => new RegExp(`^"${id}\\.v${version}${definition.derivedFields ? "\\+[\\w-]{16}" : ""}"$`);

  t.test(definition.key, async (t) => {
    const make = await row.prepare(app, db);
    let n = 0;
    const parentId = parent ? await row.parent!(app) : undefined;
    const collection = collectionOf(definition, parentId);
    const item = (id: string) => `${collection}/${id}`;

    const res = await post(collection, await make.body(++n));
    t.equal(res.statusCode, 201, "create: 201", { body: res.body });
    const created = res.json() as Rec;
    const { id } = created;
    const url = item(id);
    t.match(id, UUID_V7, "a time-ordered UUID");
    t.equal(res.headers.location, url, "Location is the record's URL");
    t.equal(created.version, 1, "version 1");
    t.match(created.createdAt, ISO_UTC);
    t.match(created.updatedAt, ISO_UTC);
    t.match(res.headers.etag, etagOf(id, 1), "ETag from id and version");
    if (parent) t.equal(created[parent.key], parentId, `${parent.key} is the parent's id`);
    const read = await get(url);
    t.equal(read.statusCode, 200);
    // What a create shows once (a calendar feed's token and link, a webhook's signing secret) is no part of the record.
    const once = Object.keys(created).filter((field) => !(field in (read.json() as Rec)));
    t.same(once, Object.keys(definition.secret?.("").shown ?? {}), "only a secret is shown besides the record, and only at its creation");
    for (const field of once) delete created[field];
    t.strictSame(read.json(), created, "the Location URL serves the created record");
    t.equal(read.headers.etag, res.headers.etag, "with the same ETag");
    const etag = read.headers.etag as string;

    t.test("404 for an unknown id, 400 for one that is no UUID", async (t) => {
      const unknown = item(UNKNOWN_ID);
      notFound(t, await get(unknown), noun);
      notFound(t, await patch(unknown, row.patch, { "if-match": "*" }), noun);
      notFound(t, await del(unknown, { "if-match": "*" }), noun);
      notFound(t, await get(`${unknown}/history`), noun);
      expectProblem(t, await get(item("not-a-uuid")), 400, "validation_failed", ["/id"]);
      expectProblem(t, await get(`${item("not-a-uuid")}/history`), 400, "validation_failed", ["/id"]);
    });

    if (parent) {
      t.test(`404 under an unknown ${parent.noun}, or under another one`, async (t) => {
        const orphan = collectionOf(definition, UNKNOWN_ID);
        notFound(t, await get(orphan), parent.noun);
        notFound(t, await post(orphan, await make.body(++n)), parent.noun);
        t.equal(await definition.model(db.prisma).count({ where: { [parent.key]: UNKNOWN_ID } }), 0, `nothing created under a missing ${parent.noun}`);
        notFound(t, await get(`${orphan}/${id}`), parent.noun);
        notFound(t, await patch(`${orphan}/${id}`, row.patch, { "if-match": "*" }), parent.noun);
        notFound(t, await del(`${orphan}/${id}`, { "if-match": "*" }), parent.noun);
        notFound(t, await get(`${orphan}/${id}/history`), parent.noun);

        const other = collectionOf(definition, await row.parent!(app));
        notFound(t, await get(`${other}/${id}`), noun);
        notFound(t, await patch(`${other}/${id}`, row.patch, { "if-match": "*" }), noun);
        notFound(t, await del(`${other}/${id}`, { "if-match": "*" }), noun);
        notFound(t, await get(`${other}/${id}/history`), noun);
        t.same((await get(other)).json().data, [], `not listed under another ${parent.noun}`);

        const malformed = collectionOf(definition, "not-a-uuid");
        expectProblem(t, await get(malformed), 400, "validation_failed", [`/${parent.param}`]);
        expectProblem(t, await get(`${malformed}/${id}`), 400, "validation_failed", [`/${parent.param}`]);
        t.strictSame((await get(url)).json(), created, "untouched");
      });
    }

    t.test("If-None-Match with the current ETag is a 304 without a body", async (t) => {
      for (const header of [etag, `W/${etag}`, `"something-else", ${etag}`, "*"]) {
        const cached = await get(url, { "if-none-match": header });
        t.equal(cached.statusCode, 304, `If-None-Match: ${header}`);
        t.equal(cached.body, "");
        t.equal(cached.headers.etag, etag);
      }
      const stale = await get(url, { "if-none-match": `"${id}.v0"` });
      t.equal(stale.statusCode, 200, "another version's ETag gets the record");
      t.strictSame(stale.json(), created);
    });

    let updated: Rec;
    t.test("PATCH: 428 without If-Match, 412 with a stale one, then version + 1 and a new ETag", async (t) => {
      // An updatedAt in the past, so that "it moves forward" needs no clock.
      await definition.model(db.prisma).updateMany({ where: { id }, data: { updatedAt: new Date("2001-01-01T00:00:00.000Z") } as never });
      const before = (await get(url)).json() as Rec;
      t.equal(before.updatedAt, "2001-01-01T00:00:00.000Z");

      expectProblem(t, await patch(url, row.patch), 428, "precondition_required");
      const stale = expectProblem(t, await patch(url, row.patch, { "if-match": `"${id}.v7"` }), 412, "version_mismatch");
      t.equal(stale.currentVersion, 1, "the problem names the current version");
      t.equal(stale.currentEtag, `"${id}.v1"`, "and its ETag");
      t.strictSame((await get(url)).json(), before, "the refused PATCHes changed nothing");

      const res = await patch(url, row.patch, { "if-match": etag });
      t.equal(res.statusCode, 200, "PATCH with the current ETag", { body: res.body });
      updated = res.json() as Rec;
      t.strictSame(updated, { ...before, ...row.patch, version: 2, updatedAt: updated.updatedAt }, "the patched fields change, the others stay");
      t.ok(updated.updatedAt > before.updatedAt, "updatedAt moves forward");
      t.equal(updated.createdAt, created.createdAt, "createdAt does not move");
      t.match(res.headers.etag, etagOf(id, 2), "a new ETag");
      const current = await get(url);
      t.strictSame(current.json(), updated, "GET serves the update");
      t.equal(current.headers.etag, res.headers.etag);

      const again = expectProblem(t, await patch(url, row.patch, { "if-match": etag }), 412, "version_mismatch");
      t.equal(again.currentVersion, 2, "the old ETag is stale now");
      t.equal((await get(url, { "if-none-match": etag })).statusCode, 200, "and If-None-Match with it gets the record");
      t.equal((await get(url)).json().version, 2);
    });

    t.test("DELETE: 428 without If-Match, 412 with a stale one, then 204 and 404", async (t) => {
      expectProblem(t, await del(url), 428, "precondition_required");
      t.equal(expectProblem(t, await del(url, { "if-match": etag }), 412, "version_mismatch").currentVersion, 2);
      t.strictSame((await get(url)).json(), updated, "still there after the refused deletes");
      const res = await del(url, { "if-match": `"${id}.v2"` });
      t.equal(res.statusCode, 204, "deleted", { body: res.body });
      t.equal(res.body, "");
      notFound(t, await get(url), noun);
      notFound(t, await del(url, { "if-match": "*" }), noun);
      notFound(t, await patch(url, row.patch, { "if-match": "*" }), noun);
    });

    t.test("history: create, update and delete in order, readable after the delete", async (t) => {
      const res = await get(`${url}/history`);
      t.equal(res.statusCode, 200, "a deleted record's history", { body: res.body });
      const events = (res.json() as { data: AuditEvent[] }).data;
      t.same(events.map((event) => [event.action, event.version]), [["create", 1], ["update", 2], ["delete", 2]]);
      for (const event of events) {
        t.same([event.resourceType, event.resourceId, event.parentId], [definition.key, id, parentId ?? null], `${event.action}: whose event`);
      }
      const changed = Object.keys(row.patch);
      t.strictSame(
        events[1]!.changes,
        Object.fromEntries(changed.map((field) => [field, { before: created[field], after: updated[field] }])),
        "the update lists exactly the changed fields, before and after",
      );
      for (const field of changed) t.same(events[2]!.changes[field], { before: updated[field], after: null }, `the delete logs ${field} as it was`);
      for (const field of changed) {
        const set = created[field] === null ? undefined : { before: null, after: created[field] };
        t.same(events[0]!.changes[field], set, `the create logs ${field} if it set it`);
      }
    });

    const { referencedBy } = row;
    if (referencedBy) {
      t.test(`DELETE while ${referencedBy.resource} refer to it: 409 still_referenced, naming them`, async (t) => {
        const target = (await post(collection, await make.body(++n))).json() as Rec;
        const referrer = await referencedBy.create(app, target.id);
        const targetUrl = item(target.id);
        const problem = expectProblem(t, await del(targetUrl, { "if-match": `"${target.id}.v1"` }), 409, "still_referenced");
        t.strictSame(problem.references, [{ resource: referencedBy.resource, field: referencedBy.field, count: 1 }]);
        t.match(problem.detail, `1 ${referencedBy.resource} (${referencedBy.field})`);
        const kept = await get(targetUrl);
        t.equal(kept.statusCode, 200, "the record is still there");
        t.equal(kept.json().version, 1, "unchanged");
        const events = (await get(`${targetUrl}/history`)).json().data as AuditEvent[];
        t.same(events.map((event) => event.action), ["create"], "the refused delete left no event");
        t.equal((await del(referrer, { "if-match": "*" })).statusCode, 204, `the ${referencedBy.resource} record goes`);
        t.equal((await del(targetUrl, { "if-match": `"${target.id}.v1"` })).statusCode, 204, "then the record can be deleted");
      });
    }
  });
}
