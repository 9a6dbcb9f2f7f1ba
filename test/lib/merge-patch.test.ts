import t from "tap";
import { applyMergePatch } from "../../src/lib/merge-patch.ts";

// RFC 7396 Appendix A, every example: [original, patch, result].
const examples: Array<[unknown, unknown, unknown]> = [
  [{ a: "b" }, { a: "c" }, { a: "c" }],
  [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
  [{ a: "b" }, { a: null }, {}],
  [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
  [{ a: ["b"] }, { a: "c" }, { a: "c" }],
  [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
  [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
  [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
  [["a", "b"], ["c", "d"], ["c", "d"]],
  [{ a: "b" }, ["c"], ["c"]],
  [{ a: "foo" }, null, null],
  [{ a: "foo" }, "bar", "bar"],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: "b", c: null }, { a: "b" }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

t.test("RFC 7396 appendix A examples", async (t) => {
  for (const [original, patch, result] of examples) {
    t.strictSame(applyMergePatch(original, patch), result, `${JSON.stringify(original)} + ${JSON.stringify(patch)}`);
  }
});

t.test("the target is not modified", async (t) => {
  const target = { a: { b: "c", d: "e" }, f: "g" };
  const copy = structuredClone(target);
  const result = applyMergePatch(target, { a: { b: null }, f: "h" });
  t.strictSame(target, copy);
  t.strictSame(result, { a: { d: "e" }, f: "h" });
});

t.test("nested objects merge member by member, as PATCH address does", async (t) => {
  const current = { name: "X", address: { street: null, postalCode: "80-309", city: "Gdańsk", country: "PL" } };
  t.strictSame(applyMergePatch(current, { address: { street: "al. Grunwaldzka 472" } }), {
    name: "X",
    address: { street: "al. Grunwaldzka 472", postalCode: "80-309", city: "Gdańsk", country: "PL" },
  });
  t.strictSame(applyMergePatch(current, { address: null }), { name: "X" });
});
