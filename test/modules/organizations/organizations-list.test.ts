import t from "tap";
import { testApp } from "../../helper.ts";
import { createCluster, createCoordinator, validNip, validRegon9 } from "../../fixtures/records.ts";
import { createMembership, createOrganization, type OrganizationBody } from "../../fixtures/organizations.ts";
import { expectProblem } from "../../expect.ts";

const { app } = await testApp(t);
type Row = OrganizationBody & { memberships?: Array<{ id: string; clusterId: string; role: string }> };
const list = (query: string) => app.inject({ method: "GET", url: `/v1/organizations?${query}` });
const names = async (query: string) => {
  const res = await list(query);
  t.equal(res.statusCode, 200, `GET ?${query}`, { body: res.body });
  return (res.json().data as Row[]).map((row) => row.name).sort();
};

// A fixed set (fresh database for this file): filters must return exactly these.
const nipWsb = validNip(9_300_001);
const regonPark = validRegon9(9_300_002);
const WSB = "Wyższa Szkoła Bankowa w Gdańsku";
const ZPKP = "Związek Pracodawców Klastry Polskie";
const UM = "Zarząd Województwa Pomorskiego";
const PARK = "Park Naukowo-Technologiczny w Gdańsku";
const LODZ = "Łódzka Fundacja 100%_Wsparcia";
const wsb = await createOrganization(app, { name: WSB, shortName: "WSB", kind: "science", legalForm: "university", nip: nipWsb, krs: "0000111111", address: { city: "Gdańsk", postalCode: "80-266" } });
const zpkp = await createOrganization(app, { name: ZPKP, kind: "business", legalForm: "employers_organization", address: { city: "Warszawa" }, description: "Partner projektu MEWA" });
const um = await createOrganization(app, { name: UM, shortName: "Urząd Marszałkowski w Gdańsku", kind: "government", legalForm: "public_body", address: { city: "GDAŃSK" } });
const park = await createOrganization(app, { name: PARK, kind: "science", regon: regonPark, address: { city: "Gdańsk" } });
const lodz = await createOrganization(app, { name: LODZ, kind: "ngo", address: { city: "Łódź" } });

const coordinator = await createCoordinator(app);
const ltpp = await createCluster(app, { coordinatorId: coordinator.id, name: "Klaster LTPP" });
const other = await createCluster(app, { coordinatorId: coordinator.id, name: "Inny klaster" });
await createMembership(app, wsb.id, { clusterId: ltpp.id, role: "partner" });
await createMembership(app, zpkp.id, { clusterId: ltpp.id, role: "member", joinedOn: "2012-06-01" });
await createMembership(app, zpkp.id, { clusterId: other.id, role: "founder" });
await createMembership(app, park.id, { clusterId: other.id, role: "partner" });

t.test("kind, city and registry id filters", async (t) => {
  t.same(await names("kind=science"), [PARK, WSB]);
  t.same(await names("kind=government"), [UM]);
  t.same(await names("kind=media"), []);
  t.same(await names(`city=${encodeURIComponent("gdańsk")}`), [PARK, WSB, UM], "city ignores case");
  t.same(await names(`city=${encodeURIComponent("łódź")}`), [LODZ]);
  t.same(await names("city=gdansk"), [], "but not diacritics");
  t.same(await names("city=Gda"), [], "exact, not a prefix");
  t.same(await names("city=%25"), [], "% is literal");
  t.same(await names(`nip=${nipWsb}`), [WSB]);
  t.same(await names(`nip=${encodeURIComponent(`PL ${nipWsb.slice(0, 3)}-${nipWsb.slice(3)}`)}`), [WSB], "NIP filter normalised too");
  t.same(await names(`regon=${regonPark}`), [PARK]);
  t.same(await names("krs=0000111111"), [WSB]);
  t.same(await names("krs=0000222222"), []);
  t.same(await names(`kind=science&city=${encodeURIComponent("Gdańsk")}&regon=${regonPark}`), [PARK], "filters combine with AND");
  expectProblem(t, await list("kind=university"), 400, "validation_failed", ["/kind"]);
  expectProblem(t, await list("nip=1234567890"), 400, "validation_failed", ["/nip"]);
  expectProblem(t, await list("legalForm=university"), 400, "validation_failed", ["/legalForm"]);
});

t.test("clusterId and role filter on memberships", async (t) => {
  t.same(await names(`clusterId=${ltpp.id}`), [WSB, ZPKP]);
  t.same(await names(`clusterId=${other.id}`), [PARK, ZPKP]);
  t.same(await names(`clusterId=${ltpp.id}&role=partner`), [WSB]);
  t.same(await names(`clusterId=${ltpp.id}&role=founder`), [], "role and cluster must hold for the same membership");
  t.same(await names(`clusterId=${other.id}&role=founder`), [ZPKP]);
  t.same(await names("role=partner"), [PARK, WSB], "role alone: in any cluster");
  t.same(await names("role=observer"), []);
  const withTwo = await list(`clusterId=${ltpp.id}&kind=business`);
  t.equal(withTwo.json().data.length, 1, "an organization with two memberships is listed once");
  t.same(await names("clusterId=01900000-0000-7000-8000-000000000000"), [], "an unknown cluster matches nothing");
  expectProblem(t, await list("clusterId=ltpp"), 400, "validation_failed", ["/clusterId"]);
  expectProblem(t, await list("role=chair"), 400, "validation_failed", ["/role"]);
});

t.test("q ignores case and Polish diacritics and searches name, short name, city, registry ids, description", async (t) => {
  t.same(await names("q=wyzsza"), [WSB]);
  t.same(await names(`q=${encodeURIComponent("WYŻSZA SZKOŁA")}`), [WSB]);
  t.same(await names(`q=${encodeURIComponent("zwiazek pracodawcow")}`), [ZPKP]);
  t.same(await names("q=lodz"), [LODZ]);
  t.same(await names("q=marszalkowski"), [UM], "short name");
  t.same(await names("q=warszawa"), [ZPKP], "city");
  t.same(await names(`q=${nipWsb}`), [WSB], "NIP");
  t.same(await names(`q=${regonPark}`), [PARK], "REGON");
  t.same(await names("q=0000111111"), [WSB], "KRS");
  t.same(await names("q=mewa"), [ZPKP], "description");
  t.same(await names("q=gdansk"), [PARK, WSB, UM], "name or city");
  t.same(await names(`q=${encodeURIComponent("gdansk bankowa")}`), [WSB], "every word must match");
  t.same(await names("q=xyzzy"), []);
  t.same(await names("q=%25_"), [LODZ], "LIKE wildcards are literal");
  t.same(await names("q=a%25a"), []);
  t.same(await names("q=science"), [], "the kind is a filter, not search text");
});

t.test("include=memberships embeds each organization's memberships", async (t) => {
  const res = await list("include=memberships&sort=name");
  t.equal(res.statusCode, 200);
  const rows = res.json().data as Row[];
  const byName = new Map(rows.map((row) => [row.name, row]));
  t.same(byName.get(ZPKP)!.memberships!.map((m) => [m.clusterId, m.role]), [[ltpp.id, "member"], [other.id, "founder"]], "joinedOn first, unknown last");
  t.same(byName.get(UM)!.memberships, []);
  t.same(byName.get(WSB)!.memberships!.map((m) => m.role), ["partner"]);
  const plain = (await list("sort=name")).json().data as Row[];
  t.ok(plain.every((row) => !("memberships" in row)), "absent without include");
  const filtered = (await list(`include=memberships&clusterId=${ltpp.id}&kind=business`)).json().data as Row[];
  t.equal(filtered[0]!.memberships!.length, 2, "the filter selects organizations; all their memberships are embedded");
  expectProblem(t, await list("include=clusters"), 400, "validation_failed", ["/include"]);
});
