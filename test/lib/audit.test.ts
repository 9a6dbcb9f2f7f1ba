import t from "tap";
import { diffChanges } from "../../src/lib/audit.ts";

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
