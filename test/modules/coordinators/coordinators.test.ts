import t from "tap";
import { testApp } from "../../helper.ts";
import { createCoordinator, validNip, validRegon9 } from "../../fixtures/records.ts";
import { expectProblem } from "../../expect.ts";

const { app } = await testApp(t);
const post = (payload: unknown) => app.inject({ method: "POST", url: "/v1/coordinators", payload: payload as object });
const get = (id: string) => app.inject({ method: "GET", url: `/v1/coordinators/${id}` });
const patch = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: "PATCH", url: `/v1/coordinators/${id}`, payload: payload as object, headers });
const formatNip = (nip: string) => `PL ${nip.slice(0, 3)}-${nip.slice(3, 6)}-${nip.slice(6, 8)}-${nip.slice(8)}`;

t.test("create: the country defaults to PL; optional fields are present as null", async (t) => {
  const res = await post({ name: "Pomorski Koordynator Sp. z o.o.", legalForm: "limited_liability_company", address: { city: "Gdynia", postalCode: "81-001" } });
  t.equal(res.statusCode, 201);
  const body = res.json();
  t.same(body.address, { street: null, postalCode: "81-001", city: "Gdynia", country: "PL" }, "country defaults to PL");
  t.equal(body.website, null, "optional fields are present as null");
});

t.test("Polish text round-trips byte-exact; text is NFC-normalised and trimmed", async (t) => {
  const name = "Zażółć gęślą jaźń ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż";
  const res = await post({ name, mandateBasis: "Porozumienie „Klastra”", address: { city: "Łódź" } });
  t.equal(res.statusCode, 201);
  t.match(res.headers["content-type"], /^application\/json; charset=utf-8$/);
  t.ok(res.rawPayload.includes(Buffer.from("ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż", "utf8")), "sent as UTF-8, not \\u escapes");
  const got = (await get(res.json().id)).json();
  t.equal(got.name, name);
  t.equal(got.mandateBasis, "Porozumienie „Klastra”");
  t.equal(got.address.city, "Łódź");

  const decomposed = await post({ name: "  Port Gdan\u0301sk\t", address: { city: "Gdan\u0301sk " } });
  t.equal(decomposed.statusCode, 201);
  t.equal(decomposed.json().name, "Port Gda\u0144sk");
  t.equal(decomposed.json().address.city, "Gda\u0144sk");
  t.equal((await get(decomposed.json().id)).json().address.city, "Gda\u0144sk", "stored normalised");
  expectProblem(t, await post({ name: "   " }), 400, "validation_failed", ["/name"]);
  expectProblem(t, await post({}), 400, "validation_failed", ["/name"]);
});

t.test("NIP, REGON and KRS: check digits and normalisation", async (t) => {
  const nip = validNip(7_100_001);
  const res = await post({ name: "Rejestrowy A", nip: formatNip(nip), regon: validRegon9(7_100_001), krs: "0000434123" });
  t.equal(res.statusCode, 201);
  t.equal(res.json().nip, nip, "stored as 10 digits");
  t.equal(res.json().regon, validRegon9(7_100_001));
  t.equal(res.json().krs, "0000434123");
  const regon14 = await post({ name: "Rejestrowy B", regon: "1234-5678-5123-47" });
  t.equal(regon14.statusCode, 201);
  t.equal(regon14.json().regon, "12345678512347");

  const badNip = nip.slice(0, 9) + String((Number(nip[9]) + 1) % 10);
  expectProblem(t, await post({ name: "Zły NIP", nip: badNip }), 400, "validation_failed", ["/nip"]);
  const regon = validRegon9(7_100_002);
  const badRegon = regon.slice(0, 8) + String((Number(regon[8]) + 1) % 10);
  expectProblem(t, await post({ name: "Zły REGON", regon: badRegon }), 400, "validation_failed", ["/regon"]);
  expectProblem(t, await post({ name: "Zły REGON-14", regon: "12345678512348" }), 400, "validation_failed", ["/regon"]);
  expectProblem(t, await post({ name: "Oba złe", nip: badNip, regon: badRegon }), 400, "validation_failed", ["/nip", "/regon"]);
  expectProblem(t, await post({ name: "Zły KRS", krs: "434123" }), 400, "validation_failed", ["/krs"]);
});

t.test("the documented length limits: registry ids (20 as sent), postal code (20), country (2), one error each", async (t) => {
  const nip = validNip(7_150_001);
  const spaced = `PL ${nip.split("").join(" ")}`; // 22 characters: a valid NIP, but longer than any id is accepted as sent
  const tooLong = expectProblem(t, await post({ name: "Długi NIP", nip: spaced }), 400, "validation_failed", ["/nip"]);
  t.strictSame(tooLong.errors!.map((e) => e.message), ["must be a valid NIP (10 digits with a correct check digit)"], "one message, the NIP's own");
  const twenty = await post({ name: "NIP z odstępami", nip: `${nip.slice(0, 5)} ${nip.slice(5)}`.padEnd(20, " ") });
  t.equal(twenty.statusCode, 201, "20 characters as sent are accepted");
  t.equal(twenty.json().nip, nip);
  for (const field of ["regon", "krs"]) {
    const body = expectProblem(t, await post({ name: "K", [field]: "1".repeat(21) }), 400, "validation_failed", [`/${field}`]);
    t.equal(body.errors!.length, 1);
  }
  const listed = await app.inject({ method: "GET", url: `/v1/coordinators?nip=${"1".repeat(21)}` });
  expectProblem(t, listed, 400, "validation_failed", ["/nip"]);

  const longPostal = expectProblem(t, await post({ name: "K", address: { city: "Gdańsk", postalCode: "8".repeat(21) } }), 400, "validation_failed", [
    "/address/postalCode",
  ]);
  t.strictSame(longPostal.errors!.map((e) => e.message), ["must be at most 20 characters"], "not also the NN-NNN rule");
  const foreign = await post({ name: "Foreign", address: { city: "Somewhere", postalCode: "A".repeat(20), country: "GB" } });
  t.equal(foreign.statusCode, 201, "20 characters outside Poland");
  const c = foreign.json();
  expectProblem(t, await patch(c.id, { address: { postalCode: "A".repeat(21) } }, { "if-match": "*" }), 400, "validation_failed", ["/address/postalCode"]);
  const country = expectProblem(t, await patch(c.id, { address: { country: "GBR" } }, { "if-match": "*" }), 400, "validation_failed", ["/address/country"]);
  t.strictSame(country.errors!.map((e) => e.message), ["must be an ISO 3166-1 alpha-2 country code such as PL"]);
  const lower = await patch(c.id, { address: { country: "de" } }, { "if-match": "*" });
  t.equal(lower.statusCode, 200, lower.body);
  t.equal(lower.json().address.country, "DE");
});

t.test("a duplicate NIP is a 409 conflict naming /nip, however it is written", async (t) => {
  const nip = validNip(7_200_001);
  t.equal((await post({ name: "Pierwszy", nip })).statusCode, 201);
  const body = expectProblem(t, await post({ name: "Drugi", nip: formatNip(nip) }), 409, "conflict", ["/nip"]);
  t.notMatch(body.detail, /coordinators_nip_key|constraint|prisma/i, "no internal names");
  const other = await createCoordinator(app, { nip: validNip(7_200_002) });
  expectProblem(t, await patch(other.id, { nip }, { "if-match": `"${other.id}.v1"` }), 409, "conflict", ["/nip"]);
  t.equal((await get(other.id)).json().version, 1, "the failed PATCH changed nothing");
});

t.test("postal code NN-NNN for Poland, any format elsewhere; website must be http(s)", async (t) => {
  expectProblem(t, await post({ name: "K", address: { city: "Gdańsk", postalCode: "80309" } }), 400, "validation_failed", ["/address/postalCode"]);
  expectProblem(t, await post({ name: "K", address: { city: "Gdańsk", country: "PL", postalCode: "8-0309" } }), 400, "validation_failed", [
    "/address/postalCode",
  ]);
  const german = await post({ name: "Berliner Partner GmbH", address: { city: "Berlin", postalCode: "10115", country: "de" } });
  t.equal(german.statusCode, 201);
  t.same(german.json().address, { street: null, postalCode: "10115", city: "Berlin", country: "DE" });
  expectProblem(t, await post({ name: "K", address: { city: "X", country: "POL" } }), 400, "validation_failed", ["/address/country"]);
  expectProblem(t, await post({ name: "K", address: { postalCode: "80-309" } }), 400, "validation_failed", ["/address/city"]);

  for (const website of ["ftp://example.pl", "javascript:alert(1)", "example.pl", "https://"]) {
    expectProblem(t, await post({ name: "K", website }), 400, "validation_failed", ["/website"]);
  }
  const web = await post({ name: "Z witryną", website: "https://klaster.example.pl/o-nas" });
  t.equal(web.statusCode, 201);
  t.equal(web.json().website, "https://klaster.example.pl/o-nas");
  expectProblem(t, await post({ name: "K", bogus: 1 }), 400, "validation_failed", ["/bogus"]);
});

t.test("a NUL character anywhere is a 400 naming the field, never a 500", async (t) => {
  expectProblem(t, await post({ name: "a\u0000b" }), 400, "validation_failed", ["/name"]);
  expectProblem(t, await post({ name: "K", address: { city: "X", postalCode: "1\u00000", country: "DE" } }), 400, "validation_failed", ["/address/postalCode"]);
  const c = await createCoordinator(app);
  expectProblem(t, await patch(c.id, { shortName: "\u0000" }, { "if-match": "*" }), 400, "validation_failed", ["/shortName"]);
  expectProblem(t, await app.inject({ method: "GET", url: "/v1/coordinators?q=a%00b" }), 400, "validation_failed", ["/q"]);
  expectProblem(t, await app.inject({ method: "GET", url: "/v1/coordinators?city=a%00b" }), 400, "validation_failed", ["/city"]);
  t.equal((await get(c.id)).json().version, 1);
});

t.test("PATCH is a JSON Merge Patch validated as a whole", async (t) => {
  const c = await createCoordinator(app, { website: "https://a.example.pl", address: { street: "ul. Długa 1", postalCode: "80-827", city: "Gdańsk" } });
  let etag = `"${c.id}.v1"`;
  const step = async (payload: unknown, contentType = "application/merge-patch+json") => {
    const res = await app.inject({ method: "PATCH", url: `/v1/coordinators/${c.id}`, payload: JSON.stringify(payload), headers: { "if-match": etag, "content-type": contentType } });
    if (res.statusCode === 200) etag = res.headers.etag as string;
    return res;
  };
  const cleared = await step({ website: null });
  t.equal(cleared.statusCode, 200);
  t.equal(cleared.json().website, null, "null clears an optional field");
  const street = await step({ address: { street: "ul. Mariacka 5" } }, "application/json");
  t.equal(street.statusCode, 200);
  t.same(street.json().address, { street: "ul. Mariacka 5", postalCode: "80-827", city: "Gdańsk", country: "PL" }, "other members kept");

  const before = (await get(c.id)).json();
  expectProblem(t, await step({ name: null }), 400, "validation_failed", ["/name"]);
  expectProblem(t, await step({ bogus: "x" }), 400, "validation_failed", ["/bogus"]);
  expectProblem(t, await step({ address: { bogus: "x" } }), 400, "validation_failed", ["/address/bogus"]);
  expectProblem(t, await step({ shortName: "Nowy", address: { postalCode: "80827" } }), 400, "validation_failed", ["/address/postalCode"]);
  expectProblem(t, await step({ address: { city: null } }), 400, "validation_failed", ["/address/city"]);
  expectProblem(t, await step({ nip: "1234567890" }), 400, "validation_failed", ["/nip"]);
  t.strictSame((await get(c.id)).json(), before, "failed PATCHes changed nothing, not even the version");

  const removed = await step({ address: null, mandateDate: "2012-06-01" });
  t.equal(removed.statusCode, 200);
  t.equal(removed.json().address, null);
  t.equal(removed.json().mandateDate, "2012-06-01");
  t.equal(removed.json().version, before.version + 1);
});
