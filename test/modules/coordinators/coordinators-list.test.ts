import t from "tap";
import { testApp } from "../../helper.ts";
import { createCoordinator, validNip, validRegon9 } from "../../fixtures/records.ts";
import { expectProblem } from "../../expect.ts";

const { app } = await testApp(t);
type Row = { id: string; name: string };
const list = (query: string) => app.inject({ method: "GET", url: `/v1/coordinators?${query}` });
const names = async (query: string) => {
  const res = await list(query);
  t.equal(res.statusCode, 200, `GET ?${query}`, { body: res.body });
  return (res.json().data as Row[]).map((row) => row.name).sort();
};

// A fixed set (fresh database for this file): filters must return exactly these.
const nipA = validNip(8_100_001);
const regonA = validRegon9(8_100_001);
const regonC = validRegon9(8_100_003);
await createCoordinator(app, {
  name: "Łódź Logistyka Sp. z o.o.",
  nip: nipA,
  regon: regonA,
  krs: "0000111111",
  legalForm: "limited_liability_company",
  address: { city: "Łódź", postalCode: "90-001" },
});
await createCoordinator(app, {
  name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.",
  nip: validNip(8_100_002),
  legalForm: "limited_liability_company",
  address: { city: "Gdańsk", postalCode: "80-309" },
});
await createCoordinator(app, { name: "Fundacja Rozwoju Pomorza", regon: regonC, krs: "0000222222", legalForm: "foundation", address: { city: "Gdynia", postalCode: "81-001" } });
await createCoordinator(app, { name: "Stowarzyszenie 100% Wsparcia_Pomorze", legalForm: "association", address: { city: "Sopot", postalCode: "81-701" } });
await createCoordinator(app, { name: "Gdańska Grupa Gamma", legalForm: null, address: null });
const LODZ = ["Łódź Logistyka Sp. z o.o."];
const ZARZAD = ["Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o."];
const FUNDACJA = ["Fundacja Rozwoju Pomorza"];
const STOWARZYSZENIE = ["Stowarzyszenie 100% Wsparcia_Pomorze"];

t.test("filters on registry ids, city and legal form", async (t) => {
  t.same(await names(`nip=${nipA}`), LODZ);
  t.same(await names(`nip=${encodeURIComponent(`PL ${nipA.slice(0, 3)}-${nipA.slice(3, 6)}-${nipA.slice(6, 8)}-${nipA.slice(8)}`)}`), LODZ, "NIP filter normalised too");
  t.same(await names(`nip=${validNip(8_100_009)}`), []);
  t.same(await names(`regon=${regonC}`), FUNDACJA);
  t.same(await names("krs=0000111111"), LODZ);
  t.same(await names(`city=${encodeURIComponent("łódź")}`), LODZ);
  t.same(await names(`city=${encodeURIComponent("ŁÓDŹ")}`), LODZ);
  t.same(await names(`city=${encodeURIComponent("GDAŃSK")}`), ZARZAD);
  t.same(await names("city=gdansk"), [], "exact city: case is ignored, diacritics are not");
  t.same(await names("city=Gda"), [], "exact, not a prefix");
  t.same(await names("city=%25"), [], "% is literal, not a LIKE wildcard");
  t.same(await names(`city=${encodeURIComponent("Gda_sk")}`), [], "_ is literal");
  t.same(await names("legalForm=foundation"), FUNDACJA);
  t.same(await names("legalForm=limited_liability_company"), [...LODZ, ...ZARZAD].sort());
  t.same(await names("legalForm=limited_liability_company&city=Gdańsk"), ZARZAD, "filters combine with AND");
  expectProblem(t, await list("legalForm=spolka"), 400, "validation_failed", ["/legalForm"]);
  expectProblem(t, await list("nip=1234567890"), 400, "validation_failed", ["/nip"]);
  expectProblem(t, await list("colour=red"), 400, "validation_failed", ["/colour"]);
});

t.test("q ignores case and Polish diacritics; every word must match", async (t) => {
  t.same(await names("q=lodz"), LODZ);
  t.same(await names(`q=${encodeURIComponent("ŁÓDŹ")}`), LODZ);
  t.same(await names(`q=${encodeURIComponent("ZARZAD nadbaltyckich")}`), ZARZAD);
  t.same(await names(`q=${encodeURIComponent("zarząd  INICJATYW")}`), ZARZAD);
  t.same(await names(`q=${encodeURIComponent("zarzad lodz")}`), [], "words are ANDed");
  t.same(await names("q=xyzzy"), []);
  t.same(await names("q=gdyn"), FUNDACJA, "city is searched, as a substring");
  t.same(await names(`q=${nipA}`), LODZ, "NIP is searched");
  t.same(await names("q=pomorz"), [...FUNDACJA, ...STOWARZYSZENIE].sort());
});

t.test("q treats LIKE wildcards and backslashes as literal characters", async (t) => {
  t.same(await names("q=%25"), STOWARZYSZENIE, "% matches only a name that contains %");
  t.same(await names("q=_"), STOWARZYSZENIE, "_ matches only a name that contains _");
  t.same(await names("q=100%25"), STOWARZYSZENIE);
  t.same(await names("q=a%25a"), [], "% is not 'anything'");
  t.same(await names("q=wsparcia_p"), STOWARZYSZENIE);
  t.same(await names("q=s_p"), [], "_ is not 'any character'");
  t.same(await names(`q=${encodeURIComponent("\\")}`), [], "a lone backslash matches nothing and is no error");
});
