import type { LightMyRequestResponse } from "fastify";
import t, { type Test } from "tap";
import { testApp } from "../../helper.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { byKeys, expectProblem, nextLinkOf } from "../../expect.ts";

const { app } = await testApp(t);
type Row = { id: string; name: string; createdAt: string };

// 60 coordinators, 45 distinct names: 15 names occur twice, so the id tiebreak decides their order.
// ASCII names with zero-padded numbers sort the same under every collation.
const created: Row[] = [];
for (let i = 0; i < 60; i++) {
  created.push((await createCoordinator(app, { name: `Firma ${String((i * 7) % 45).padStart(2, "0")}` })) as unknown as Row);
}
const allIds = created.map((row) => row.id).sort();

/** Follows the Link header from the first page to the last, checking each page's shape on the way. */
async function walk(t: Test, query: string) {
  const rows: Row[] = [];
  let url: string | undefined = `/v1/coordinators?${query}`;
  let pages = 0;
  while (url !== undefined) {
    const res: LightMyRequestResponse = await app.inject({ method: "GET", url });
    t.equal(res.statusCode, 200, `GET ${url}`, { body: res.body });
    const body = res.json() as { data: Row[]; nextCursor: string | null };
    pages++;
    rows.push(...body.data);
    const next = nextLinkOf(t, res);
    if (body.nextCursor === null) {
      t.equal(next, undefined, "the last page has no Link header");
    } else {
      t.equal(body.data.length, 7, "a page that is not the last is full");
      t.ok(next, "a page with a next cursor has a Link header");
      const params = new URL(next!, "http://x").searchParams;
      t.equal(params.get("cursor"), body.nextCursor, "Link carries nextCursor");
      for (const [key, value] of new URLSearchParams(query)) t.equal(params.get(key), value, `Link keeps ${key}`);
    }
    url = next;
    if (pages > 20) throw new Error("pagination does not end");
  }
  return { rows, pages };
}

const orders: Array<[string, (a: Row, b: Row) => number]> = [
  ["sort=name", byKeys<Row>([{ key: (r) => r.name }])],
  ["sort=-name", byKeys<Row>([{ key: (r) => r.name, desc: true }])],
  ["sort=-createdAt", byKeys<Row>([{ key: (r) => r.createdAt, desc: true }])],
  ["sort=createdAt", byKeys<Row>([{ key: (r) => r.createdAt }])],
];

for (const [sort, compare] of orders) {
  t.test(`${sort}: every record once, in order, over 9 pages of 7`, async (t) => {
    const { rows, pages } = await walk(t, `limit=7&${sort}`);
    t.equal(pages, 9, "60 rows / 7 per page");
    const ids = rows.map((row) => row.id);
    t.equal(new Set(ids).size, ids.length, "no duplicates");
    t.same([...ids].sort(), allIds, "no gaps: exactly the records created");
    t.same(ids, [...created].sort(compare).map((row) => row.id), "the promised order, ties by id");
  });
}

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
