import t from "tap";
import { testApp } from "../../helper.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { byKeys, expectProblem, nextLinkOf } from "../../expect.ts";

const { app } = await testApp(t);
type Row = { id: string; name: string; shortName: string | null; foundingAgreementDate: string | null; coordinatorId: string; coordinator?: { id: string } };
const list = (query: string) => app.inject({ method: "GET", url: `/v1/clusters?${query}` });
const names = async (query: string) => {
  const res = await list(query);
  t.equal(res.statusCode, 200, `GET ?${query}`, { body: res.body });
  return (res.json().data as Row[]).map((row) => row.name).sort();
};

const pomorze = await createCoordinator(app, { name: "Pomorski Koordynator" });
const mazowsze = await createCoordinator(app, { name: "Mazowiecki Koordynator" });
await createCluster(app, { name: "Klaster Logistyczny", shortName: "KL", sectors: ["logistyka", "transport"], foundingAgreementDate: "2012-06-01", coordinatorId: pomorze.id });
await createCluster(app, { name: "Klaster Morski", shortName: "KM", sectors: ["żegluga", "transport"], foundingAgreementDate: "2013-05-10", coordinatorId: pomorze.id });
await createCluster(app, { name: "Klaster Cyfrowy", sectors: ["IT"], foundingAgreementDate: "2014-01-01", coordinatorId: mazowsze.id });
await createCluster(app, { name: "Klaster Bez Daty", shortName: "KBD", sectors: [], coordinatorId: mazowsze.id });

t.test("filters: coordinatorId, sector, shortName, founding date range", async (t) => {
  t.same(await names(`coordinatorId=${pomorze.id}`), ["Klaster Logistyczny", "Klaster Morski"]);
  t.same(await names(`coordinatorId=${mazowsze.id}`), ["Klaster Bez Daty", "Klaster Cyfrowy"]);
  t.same(await names("coordinatorId=01900000-0000-7000-8000-000000000000"), []);
  expectProblem(t, await list("coordinatorId=nope"), 400, "validation_failed", ["/coordinatorId"]);
  t.same(await names("sector=transport"), ["Klaster Logistyczny", "Klaster Morski"]);
  t.same(await names(`sector=${encodeURIComponent("żegluga")}`), ["Klaster Morski"]);
  t.same(await names("sector=IT"), ["Klaster Cyfrowy"]);
  t.same(await names("sector=trans"), [], "a sector matches whole");
  t.same(await names("shortName=KM"), ["Klaster Morski"]);
  t.same(await names("shortName=K"), []);
  t.same(await names("foundingAgreementDateFrom=2013-05-10"), ["Klaster Cyfrowy", "Klaster Morski"], "From is inclusive");
  t.same(await names("foundingAgreementDateTo=2013-05-10"), ["Klaster Logistyczny", "Klaster Morski"], "To is inclusive");
  t.same(await names("foundingAgreementDateFrom=2012-06-02&foundingAgreementDateTo=2013-12-31"), ["Klaster Morski"]);
  t.same(await names("foundingAgreementDateFrom=2015-01-01"), []);
  expectProblem(t, await list("foundingAgreementDateFrom=2013-02-30"), 400, "validation_failed", ["/foundingAgreementDateFrom"]);
  expectProblem(t, await list("foundingAgreementDateTo=10.05.2013"), 400, "validation_failed", ["/foundingAgreementDateTo"]);
  t.same(await names(`sector=transport&coordinatorId=${pomorze.id}&foundingAgreementDateFrom=2013-01-01`), ["Klaster Morski"], "filters combine");
  t.same(await names("q=zegluga"), ["Klaster Morski"], "q searches sectors without diacritics");
  t.same(await names("q=%25"), [], "q=% is literal");
  t.same(await names("q=_"), [], "q=_ is literal");
});

t.test("include=coordinator embeds the coordinator in list items", async (t) => {
  const plain = await list(`coordinatorId=${pomorze.id}`);
  t.equal(plain.json().data.length, 2);
  for (const row of plain.json().data as Row[]) t.notOk("coordinator" in row, "no coordinator key without include");
  const embedded = await list(`coordinatorId=${pomorze.id}&include=coordinator`);
  t.equal(embedded.statusCode, 200);
  for (const row of embedded.json().data as Row[]) {
    t.equal(row.coordinator?.id, pomorze.id);
    t.equal((row.coordinator as Record<string, unknown>).name, "Pomorski Koordynator");
  }
  expectProblem(t, await list("include=bogus"), 400, "validation_failed", ["/include"]);
  expectProblem(t, await list("include=coordinators"), 400, "validation_failed", ["/include"]);
});

// Each sortable field on its own (nulls included) is the record contract's (test/app/record-contract-lists.test.ts).
t.test("sort by two nullable fields paginates across nulls with no duplicates or gaps", async (t) => {
  // Its own coordinator, so the filter isolates these rows. Nulls, ties and distinct dates, in mixed order.
  const own = await createCoordinator(app);
  const dates = ["2012-06-01", null, "2013-02-28", null, "2012-06-01", null, "2014-01-01", "2011-11-11", null];
  const created: Row[] = [];
  for (const [i, date] of dates.entries()) {
    created.push((await createCluster(app, { coordinatorId: own.id, foundingAgreementDate: date, shortName: i % 3 === 0 ? null : `NS-${8 - i}` })) as unknown as Row);
  }
  const cases: Array<[string, (a: Row, b: Row) => number]> = [
    ["foundingAgreementDate,-shortName", byKeys<Row>([{ key: (r) => r.foundingAgreementDate }, { key: (r) => r.shortName, desc: true }])],
  ];
  for (const [sort, compare] of cases) {
    const seen: Row[] = [];
    let url: string | undefined = `/v1/clusters?coordinatorId=${own.id}&sort=${sort}&limit=2`;
    let pages = 0;
    while (url !== undefined && pages < 20) {
      const res = await app.inject({ method: "GET", url });
      t.equal(res.statusCode, 200, `${sort}: GET ${url}`, { body: res.body });
      seen.push(...(res.json().data as Row[]));
      url = nextLinkOf(t, res);
      pages++;
      t.equal(res.json().nextCursor === null, url === undefined, "Link header iff nextCursor");
    }
    const ids = seen.map((row) => row.id);
    t.equal(pages, 5, `${sort}: 9 rows in pages of 2`);
    t.equal(new Set(ids).size, ids.length, `${sort}: no duplicates`);
    t.same([...ids].sort(), created.map((row) => row.id).sort(), `${sort}: no gaps`);
    t.same(ids, [...created].sort(compare).map((row) => row.id), `${sort}: nulls last ascending, first descending, ties by id`);
  }
});
