import t from "tap";
import { auditEventData, diffChanges } from "../../src/lib/audit.ts";
import { Prisma } from "../../src/generated/prisma/client.ts";

t.test("diffChanges lists exactly the top-level fields that differ, compared deeply", async (t) => {
  t.same(diffChanges({ a: 1, b: { c: [1, 2] }, d: "x" }, { a: 1, b: { c: [1, 2] }, d: "y" }), { d: { before: "x", after: "y" } });
  t.same(diffChanges({ b: { c: [1, 2] } }, { b: { c: [2, 1] } }), { b: { before: { c: [1, 2] }, after: { c: [2, 1] } } }, "array order matters");
  t.same(diffChanges({ b: { c: 1, d: 2 } }, { b: { d: 2, c: 1 } }), {}, "member order does not");
  t.same(diffChanges({ a: null }, {}), {}, "a missing field counts as null");
  t.same(diffChanges({}, { a: undefined }), {}, "so does undefined");
  t.same(diffChanges(null, { a: 1, b: null }), { a: { before: null, after: 1 } }, "create: every field set, from null");
  t.same(diffChanges({ a: 1, b: null }, null), { a: { before: 1, after: null } }, "delete: every field that had a value, to null");
  t.same(diffChanges({ n: "1" }, { n: 1 }), { n: { before: "1", after: 1 } }, "types count");
  t.same(diffChanges({ at: new Date("2013-05-10T08:00:00Z") }, { at: "2013-05-10T08:00:00.000Z" }), {}, "dates as their JSON form");
});

t.test("secrets are never part of the changes, at any depth", async (t) => {
  const changes = diffChanges(null, { name: "k", key: "crk_abc_secret", secretHash: "f00", searchText: "k", nested: { key: "x", keep: 1 } });
  t.same(changes, { name: { before: null, after: "k" }, nested: { before: null, after: { keep: 1 } } });
  t.notOk(JSON.stringify(changes).includes("secret"));
});

t.test("an event's data is the record as JSON would carry it, without secrets", async (t) => {
  const record = {
    name: "Bałtycki Klaster",
    at: new Date("2013-05-10T08:00:00Z"),
    amount: new Prisma.Decimal("1250000.50"),
    gone: undefined,
    none: null,
    list: [1, undefined, "x", { secret: "s", keep: true }, () => 1],
    nested: { previousSecret: "p", deep: { key: "k", n: NaN, big: Infinity } },
    custom: { toJSON: () => ({ as: "json" }) },
    fn: () => 1,
  };
  const data = auditEventData({ action: "create", resourceType: "x", resourceId: "id", data: record }, undefined).data;
  t.strictSame(data, JSON.parse(JSON.stringify(record, (name, value: unknown) => (["secret", "previousSecret", "key"].includes(name) ? undefined : value))));
  t.strictSame(data, {
    name: "Bałtycki Klaster",
    at: "2013-05-10T08:00:00.000Z",
    amount: "1250000.5",
    none: null,
    list: [1, null, "x", { keep: true }, null],
    nested: { deep: { n: null, big: null } },
    custom: { as: "json" },
  });
});
