import type { LightMyRequestResponse } from "fastify";
import t, { type Test } from "tap";
import { byKeys, expectProblem, nextLinkOf } from "../expect.ts";
import { BATCH_WORD, RECORD_TYPES, collectionOf, type Body } from "../fixtures/record-types.ts";
import { testApp } from "../helper.ts";

/**
 * The lists every record type shares, checked for each one (a row of test/fixtures/record-types.ts): cursor pages
 * walked through the Link header with no record missed or repeated, every sortable field in both directions with
 * ties broken by id and nulls last ascending (first descending), the default order, bad list parameters, and `q`
 * ignoring case and Polish diacritics. The life of one record is in record-contract.test.ts.
 */

const { app, db } = await testApp(t);
type Rec = { id: string } & Record<string, unknown>;
type Keys = Parameters<typeof byKeys<Rec>>[0];
const BATCH = 9;
const LIMIT = 2;

/** A sortable value as a string that orders like the value (numbers zero-padded); null stays null. */
const keyOf = (field: string) => (record: Rec) => {
  const value = record[field];
  if (value === null || value === undefined) return null;
  return typeof value === "number" ? String(value).padStart(12, "0") : String(value);
};
const termsOf = (sort: string): Keys =>
  sort.split(",").map((term) => ({ key: keyOf(term.replace(/^-/, "")), desc: term.startsWith("-") }));

for (const row of RECORD_TYPES) {
  const { definition } = row;
  const fields = Object.keys(definition.sortable);

  t.test(definition.key, async (t) => {
    const make = await row.prepare(app, db);
    const parentId = definition.parent ? await row.parent!(app) : undefined;
    const collection = collectionOf(definition, parentId);
    const list = (query: string) => app.inject({ method: "GET", url: `${collection}?${query}` });
    const create = async (payload: Body) => {
      const res = await app.inject({ method: "POST", url: collection, payload });
      if (res.statusCode !== 201) throw new Error(`POST ${collection}: ${res.statusCode} ${res.body}`);
      return res.json() as Rec;
    };

    // The batch: `q=<BATCH_WORD>` lists exactly these, whatever else the table holds.
    const batch: Rec[] = [];
    for (let n = 0; n < BATCH; n++) batch.push(await create({ ...(await make.body(100 + n)), ...row.text(BATCH_WORD), ...(await make.sorted(n)) }));
    // A change to the first makes it the last updated, so that updatedAt and createdAt order differ.
    const changed = await app.inject({
      method: "PATCH",
      url: `${collection}/${batch[0]!.id}`,
      payload: { ...row.patch, ...row.text(BATCH_WORD) },
      headers: { "if-match": `"${batch[0]!.id}.v1"` },
    });
    if (changed.statusCode !== 200) throw new Error(`PATCH: ${changed.statusCode} ${changed.body}`);
    batch[0] = changed.json() as Rec;
    const batchIds = batch.map((record) => record.id).sort();
    const inBatch = `q=${BATCH_WORD.toLowerCase()}`;

    t.test("the batch has ties and nulls to sort", async (t) => {
      for (const field of fields) {
        const { type, nullable } = definition.sortable[field]!;
        const values = batch.map(keyOf(field));
        const known = values.filter((value) => value !== null);
        if (nullable) t.ok(known.length > 0 && known.length < values.length, `${field}: nulls and values`);
        else t.equal(known.length, values.length, `${field}: never null`);
        if (type !== "datetime" && !row.unique?.includes(field)) t.ok(new Set(known).size < known.length, `${field}: ties`);
        t.ok(new Set(known).size > 1, `${field}: different values`);
      }
    });

    /** Follows the Link header from the first page to the last, checking each page; the ids in the order served. */
    async function walk(t: Test, query: string): Promise<string[]> {
      const ids: string[] = [];
      let url: string | undefined = `${collection}?${query}`;
      let pages = 0;
      while (url !== undefined) {
        const res: LightMyRequestResponse = await app.inject({ method: "GET", url });
        t.equal(res.statusCode, 200, `GET ${url}`, { body: res.body });
        const page = res.json() as { data: Rec[]; nextCursor: string | null };
        ids.push(...page.data.map((record) => record.id));
        const next = nextLinkOf(t, res);
        if (page.nextCursor === null) {
          t.equal(next, undefined, "the last page has no Link header");
        } else {
          t.equal(page.data.length, LIMIT, "a page before the last is full");
          t.ok(next, "a page with a next cursor has a Link header");
          const params = new URL(next!, "http://x").searchParams;
          t.equal(params.get("cursor"), page.nextCursor, "Link carries nextCursor");
          for (const [key, value] of new URLSearchParams(query)) t.equal(params.get(key), value, `Link keeps ${key}`);
        }
        url = next;
        if (++pages > BATCH) throw new Error("pagination does not end");
      }
      t.equal(pages, Math.ceil(BATCH / LIMIT), `${BATCH} records in pages of ${LIMIT}`);
      return ids;
    }

    const expectOrder = async (t: Test, sort: string | undefined, keys: Keys) => {
      const ids = await walk(t, `${inBatch}&limit=${LIMIT}${sort === undefined ? "" : `&sort=${sort}`}`);
      t.equal(new Set(ids).size, ids.length, "no record twice");
      t.same([...ids].sort(), batchIds, "every record once: no gaps");
      t.same(ids, [...batch].sort(byKeys<Rec>(keys)).map((record) => record.id), "in order, ties by id");
    };

    // Each field both ways, and each field followed by the next one in the other direction.
    const pairs = fields.map((field, i) => [field, fields[(i + 1) % fields.length]!] as const);
    const sorts = [...fields.flatMap((field) => [field, `-${field}`]), ...pairs.flatMap(([first, next]) => [`${first},-${next}`, `-${first},${next}`])];
    for (const sort of sorts) t.test(`sort=${sort}: every page`, (t) => expectOrder(t, sort, termsOf(sort)));

    t.test("the default order is the definition's default sort", async (t) => {
      const { sort } = definition.schemas.listQuery.parse({}) as { sort: Array<{ field: string; direction: string }> };
      const text = sort.map((term) => `${term.direction === "desc" ? "-" : ""}${term.field}`).join(",");
      await expectOrder(t, undefined, termsOf(text));
      const whole = await list(`${inBatch}&limit=100`);
      t.equal(whole.json().nextCursor, null, "one page when it all fits");
      t.notOk("link" in whole.headers, "and no Link header");
      t.same(whole.json().data.map((record: Rec) => record.id), [...batch].sort(byKeys<Rec>(termsOf(text))).map((record) => record.id), `sort=${text}`);
    });

    t.test("bad list parameters are 400s naming the parameter", async (t) => {
      const [first] = fields;
      for (const sort of ["bogus", "-bogus", "version", `${first},${first}`, `${first},-${first}`]) {
        expectProblem(t, await list(`sort=${sort}`), 400, "validation_failed", ["/sort"]);
      }
      for (const limit of ["0", "101", "x", "1.5", "-1"]) expectProblem(t, await list(`limit=${limit}`), 400, "validation_failed", ["/limit"]);
      expectProblem(t, await list("cursor=garbage"), 400, "invalid_cursor", ["/cursor"]);
      const page = (await list(`${inBatch}&limit=${LIMIT}&sort=${first}`)).json() as { nextCursor: string };
      expectProblem(t, await list(`${inBatch}&limit=${LIMIT}&sort=-${first}&cursor=${page.nextCursor}`), 400, "invalid_cursor", ["/cursor"]);
      const sameSort = await list(`${inBatch}&limit=3&sort=${first}&cursor=${page.nextCursor}`);
      t.equal(sameSort.statusCode, 200, "the same sort with another limit continues");
      t.equal(sameSort.json().data.length, 3);
      expectProblem(t, await list("q=%20%20"), 400, "validation_failed", ["/q"]);
      expectProblem(t, await list(`q=${"a".repeat(201)}`), 400, "validation_failed", ["/q"]);
    });

    t.test("q ignores case and Polish diacritics; every word must match", async (t) => {
      const lodz = await create({ ...(await make.body(200)), ...row.text("Spotkanie w Łodzi: Zażółć gęślą jaźń") });
      const gdansk = await create({ ...(await make.body(201)), ...row.text("Spotkanie w Gdańsku") });
      const search = async (q: string) => {
        const res = await list(`q=${encodeURIComponent(q)}&limit=100`);
        t.equal(res.statusCode, 200, `q=${q}`, { body: res.body });
        return (res.json().data as Rec[]).map((record) => record.id).sort();
      };
      t.same(await search("LODZI zazolc"), [lodz.id], "upper case, without diacritics");
      t.same(await search("łódź"), [lodz.id], "ł, ó and ź folded in the query too");
      t.same(await search("ŻÓŁĆ GĘŚLĄ"), [lodz.id], "upper case with diacritics");
      t.same(await search("gdansku"), [gdansk.id]);
      t.same(await search("spotkanie"), [lodz.id, gdansk.id].sort(), "a word both have");
      t.same(await search("lodzi gdansku"), [], "words are ANDed");
      t.same(await search("xyzzy"), []);
    });
  });
}
