import t from "tap";
import { testApp } from "../../helper.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { byKeys, expectProblem, nextLinkOf } from "../../expect.ts";

const { app } = await testApp(t);
type Row = { id: string; name: string; createdAt: string };

// Walking every page of every sort is the record contract's (test/app/record-contract-lists.test.ts); here, what a
// cursor must survive. 60 coordinators, 45 distinct names: 15 names occur twice, so the id tiebreak decides their order.
// ASCII names with zero-padded numbers sort the same under every collation.
const created: Row[] = [];
for (let i = 0; i < 60; i++) {
  created.push((await createCoordinator(app, { name: `Firma ${String((i * 7) % 45).padStart(2, "0")}` })) as unknown as Row);
}
const allIds = created.map((row) => row.id).sort();

t.test("a garbage or forged cursor is a 400 invalid_cursor, never a 500", async (t) => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const id = created[0]!.id;
  const cursors: Array<[sort: string, cursor: string]> = [
    ["name", "garbage"],
    ["name", "%%%"],
    ["name", b64("just a string")],
    ["name", b64({ s: "name", v: ["Firma 01"] })],
    ["name", b64({ s: "name", v: [{ gt: "" }, id] })],
    ["name", b64({ s: "name", v: ["Firma 01", "not-a-uuid"] })],
    ["name", b64({ s: "name", v: ["Firma 01", 42] })],
    ["name", b64({ s: "name", v: [null, id] })],
    ["name", b64({ s: "name", v: [["Firma 01"], id] })],
    ["createdAt", b64({ s: "createdAt", v: ["not a date", id] })],
    ["createdAt", b64({ s: "createdAt", v: [true, id] })],
    ["createdAt", b64({ s: "createdAt", v: [1_700_000_000_000, id] })],
    ["createdAt", b64({ s: "createdAt", v: ["-271821-04-20T00:00:00.000Z", id] })],
    ["name", b64({ s: "name", v: ["Firma\u0000", id] })],
  ];
  for (const [sort, cursor] of cursors) {
    const res = await app.inject({ method: "GET", url: `/v1/coordinators?sort=${sort}&cursor=${encodeURIComponent(cursor)}` });
    expectProblem(t, res, 400, "invalid_cursor", ["/cursor"]);
  }
});

t.test("a cursor reused with another sort is a 400 invalid_cursor", async (t) => {
  const first = await app.inject({ method: "GET", url: "/v1/coordinators?limit=7&sort=name" });
  const cursor = first.json().nextCursor as string;
  for (const sort of ["-name", "createdAt", "name,createdAt"]) {
    const res = await app.inject({ method: "GET", url: `/v1/coordinators?limit=7&sort=${sort}&cursor=${cursor}` });
    expectProblem(t, res, 400, "invalid_cursor", ["/cursor"]);
  }
  const sameSort = await app.inject({ method: "GET", url: `/v1/coordinators?limit=3&sort=name&cursor=${cursor}` });
  t.equal(sameSort.statusCode, 200, "the same sort with another limit is fine");
  t.equal(sameSort.json().data.length, 3);
});

t.test("records inserted between page fetches cause no duplicates or gaps", async (t) => {
  const first = await app.inject({ method: "GET", url: "/v1/coordinators?limit=7&sort=name" });
  const seen: Row[] = first.json().data;
  t.equal(seen.at(-1)!.name, "Firma 04", "page 1 ends inside the sorted names");
  // One name sorts before the cursor (never to be served now), one after it (served later), one equal to the
  // last name served (served iff its id is greater).
  const before = await createCoordinator(app, { name: "Firma 00a" });
  const after = await createCoordinator(app, { name: "Firma 30a" });
  const equal = await createCoordinator(app, { name: "Firma 04" });
  let url = nextLinkOf(t, first);
  while (url !== undefined) {
    const res = await app.inject({ method: "GET", url });
    seen.push(...res.json().data);
    url = nextLinkOf(t, res);
  }
  const ids = seen.map((row) => row.id);
  t.equal(new Set(ids).size, ids.length, "no duplicates");
  for (const id of allIds) t.ok(ids.includes(id), `record ${id} was served`);
  t.notOk(ids.includes(before.id), "a record inserted before the cursor is not served");
  t.ok(ids.includes(after.id), "a record inserted after the cursor is served");
  t.equal(ids.includes(equal.id), equal.id > seen[6]!.id, "a record equal to the cursor's name is served iff its id is after it");
  t.same(seen.map((row) => row.name), [...seen].sort(byKeys<Row>([{ key: (r) => r.name }])).map((row) => row.name), "still in order");
});
