// Problems in English and in Polish (shared/API-CONVENTIONS.md, "Representations and language"): title, detail and
// field messages follow lang= or Accept-Language, with Content-Language; code, type, status and pointers never change.
import { randomUUID } from "node:crypto";
import t, { type Test } from "tap";
import type { LightMyRequestResponse } from "fastify";
import { hasPolish } from "../../src/lib/messages/fields.ts";
import { PROBLEM_TYPES } from "../../src/lib/problem.ts";
import { testApp } from "../helper.ts";
import { createCluster, createCoordinator } from "../fixtures/records.ts";
import { createOrganization } from "../fixtures/organizations.ts";
import { createGrantApplication, transition } from "../fixtures/grant-applications.ts";

type FieldError = { path: string; message: string; location?: string };
type Problem = { type: string; title: string; status: number; detail: string; code: string; errors?: FieldError[] } & Record<string, unknown>;

const { app } = await testApp(t);

/** The same request in English (no language asked) and in Polish (`how`: Accept-Language or lang=). */
async function both(request: { method?: "GET" | "POST" | "PATCH" | "DELETE"; url: string; payload?: unknown; headers?: Record<string, string> }, how: "header" | "query") {
  const send = (url: string, headers: Record<string, string>) =>
    app.inject({ method: request.method ?? "GET", url, payload: request.payload as never, headers: { ...request.headers, ...headers } });
  const en = await send(request.url, {});
  const polishUrl = how === "query" ? `${request.url}${request.url.includes("?") ? "&" : "?"}lang=pl` : request.url;
  const pl = await send(polishUrl, how === "header" ? { "accept-language": "pl-PL,pl;q=0.9,en-US;q=0.6" } : {});
  return { en, pl };
}

/** Asserts what must not change with the language, and that the texts did; returns both bodies. */
function compare(t: Test, en: LightMyRequestResponse, pl: LightMyRequestResponse, status: number, code: string) {
  for (const [response, language] of [[en, "en"], [pl, "pl"]] as const) {
    t.equal(response.statusCode, status, `${language}: status ${status}`);
    t.equal(response.headers["content-type"], "application/problem+json; charset=utf-8");
    t.equal(response.headers["content-language"], language, `Content-Language: ${language}`);
  }
  const a = en.json() as Problem;
  const b = pl.json() as Problem;
  t.equal(a.code, code);
  t.equal(b.code, code, "code never changes");
  t.equal(b.type, a.type, "type never changes");
  t.equal(b.status, a.status);
  t.same(Object.keys(b).sort(), Object.keys(a).sort(), "the same members");
  t.equal(a.title, PROBLEM_TYPES[code as keyof typeof PROBLEM_TYPES].title);
  t.not(b.title, a.title, "the title is Polish");
  t.same((b.errors ?? []).map((e) => [e.path, e.location]), (a.errors ?? []).map((e) => [e.path, e.location]), "pointers never change");
  for (const [index, error] of (a.errors ?? []).entries()) {
    t.notMatch(error.message, /^(Invalid|Too (big|small)|Unrecognized|Expected)/, `our own sentence, not zod's: ${error.message}`);
    t.ok(hasPolish(error.message), `the phrasebook knows "${error.message}"`);
    t.not(b.errors![index]!.message, error.message, `Polish for "${error.message}": "${b.errors![index]!.message}"`);
  }
  return { en: a, pl: b };
}

t.test("a validation error: title, detail and every field message in Polish; zod's own words in neither", async (t) => {
  for (const how of ["header", "query"] as const) {
    const { en, pl } = await both(
      {
        method: "POST",
        url: "/v1/coordinators",
        payload: { name: "", legalForm: "spółka", nip: "123", website: "ftp://x", address: { country: "Polska" }, nickname: "x" },
      },
      how,
    );
    const problems = compare(t, en, pl, 400, "validation_failed");
    t.equal(problems.en.detail, "7 fields are not valid.");
    t.equal(problems.pl.detail, "7 pól jest niepoprawnych.");
    t.equal(problems.pl.title, "Żądanie jest niepoprawne");
    const legalForm = (problems: Problem) => problems.errors!.find((e) => e.path === "/legalForm")!.message;
    t.match(legalForm(problems.en), /^must be one of: limited_liability_company, joint_stock_company, .*, other$/, "names the allowed values");
    t.match(legalForm(problems.pl), /^musi być jedną z wartości: limited_liability_company, joint_stock_company, .*, other$/, "in Polish too");
    t.same(
      problems.pl.errors!.find((e) => e.path === "/nickname"),
      { path: "/nickname", message: "nie jest znanym polem (nieznane pola są odrzucane)", location: "body" },
    );
  }
});

t.test("a query parameter outside its enumeration names the allowed values in both languages", async (t) => {
  const { en, pl } = await both({ url: "/v1/activities?status=done&limit=1000" }, "header");
  const problems = compare(t, en, pl, 400, "validation_failed");
  t.same(problems.en.errors, [
    { path: "/limit", message: "must be a whole number from 1 to 100", location: "query" },
    { path: "/status", message: "must be one of: planned, in_progress, completed, cancelled", location: "query" },
  ]);
  t.same(problems.pl.errors, [
    { path: "/limit", message: "musi być liczbą całkowitą od 1 do 100", location: "query" },
    { path: "/status", message: "musi być jedną z wartości: planned, in_progress, completed, cancelled", location: "query" },
  ]);
  t.equal(problems.pl.detail, "2 pola są niepoprawne.");
});

t.test("a 404", async (t) => {
  const id = randomUUID();
  const { en, pl } = await both({ url: `/v1/coordinators/${id}` }, "query");
  const problems = compare(t, en, pl, 404, "not_found");
  t.equal(problems.en.detail, `No coordinator with id ${id}.`);
  t.equal(problems.pl.detail, `Nie ma koordynatora o id ${id}.`);
  t.equal(problems.pl.title, "Nie znaleziono");
  const path = await both({ url: "/v1/nothing-here" }, "header");
  t.equal(compare(t, path.en, path.pl, 404, "not_found").pl.detail, "Pod GET /v1/nothing-here nic nie ma.");
});

t.test("a 409 transition that is not allowed", async (t) => {
  const application = await createGrantApplication(app);
  const { en, pl } = await both({ method: "POST", url: `/v1/grant-applications/${application.id}/transitions`, payload: { to: "approved" } }, "header");
  const problems = compare(t, en, pl, 409, "transition_not_allowed");
  t.equal(problems.pl.title, "Ta zmiana statusu jest niedozwolona z bieżącego statusu");
  t.same(problems.pl.allowedTransitions, problems.en.allowedTransitions, "extensions never change");
  t.equal(problems.en.detail, "A draft grant application can move to submitted or withdrawn, not to approved.");
  t.equal(problems.pl.detail, "Wniosek o statusie draft może przejść do statusu submitted lub withdrawn, nie do approved.");
  t.equal((await transition(app, application.id, { to: "submitted" })).statusCode, 200, "the application is as it was");
});

t.test("a PATCH whose merged record breaks a rule: our own sentences, in both languages, never zod's", async (t) => {
  // The patch itself is valid; the address it merges into (there is none) then lacks its city.
  const coordinator = await createCoordinator(app, { address: null });
  const request = { method: "PATCH" as const, url: `/v1/coordinators/${coordinator.id}`, headers: { "if-match": `"${coordinator.id}.v1"` } };
  const { en, pl } = await both({ ...request, payload: { address: { street: "ul. Długa 1" } } }, "header");
  const problems = compare(t, en, pl, 400, "validation_failed");
  t.same(problems.en.errors, [{ path: "/address/city", message: "is required", location: "body" }]);
  t.same(problems.pl.errors, [{ path: "/address/city", message: "jest wymagane", location: "body" }]);
  const wrongType = await app.inject({ ...request, payload: { address: { street: "ul. Długa 1", city: null } } });
  t.equal(wrongType.statusCode, 400);
  t.notMatch(JSON.stringify(wrongType.json().errors), /Invalid|expected/, "no zod message on a merged record");
});

t.test("the details the record service and the record types write: references, conflicts, drafts", async (t) => {
  const coordinator = await createCoordinator(app);
  const cluster = await createCluster(app, { coordinatorId: coordinator.id });
  const unknown = randomUUID();

  const missing = await both({ method: "POST", url: "/v1/clusters", payload: { name: "Sierota", coordinatorId: unknown } }, "query");
  const reference = compare(t, missing.en, missing.pl, 422, "reference_not_found");
  t.equal(reference.en.detail, `No coordinator with id ${unknown}.`);
  t.equal(reference.pl.detail, `Nie ma koordynatora o id ${unknown}.`);

  const blocked = await both({ method: "DELETE", url: `/v1/coordinators/${coordinator.id}`, headers: { "if-match": `"${coordinator.id}.v1"` } }, "header");
  const referenced = compare(t, blocked.en, blocked.pl, 409, "still_referenced");
  t.equal(referenced.en.detail, "This coordinator is still referenced by 1 clusters (coordinatorId); reassign or delete those first.");
  t.equal(referenced.pl.detail, "Na ten rekord (koordynator) nadal wskazują: clusters: 1 (coordinatorId); najpierw je przepnij lub usuń.");

  const organization = await createOrganization(app);
  const memberships = `/v1/organizations/${organization.id}/memberships`;
  t.equal((await app.inject({ method: "POST", url: memberships, payload: { clusterId: cluster.id, role: "member" } })).statusCode, 201);
  const twice = await both({ method: "POST", url: memberships, payload: { clusterId: cluster.id, role: "member" } }, "header");
  t.equal(compare(t, twice.en, twice.pl, 409, "conflict").pl.detail, `Organizacja jest już członkiem klastra ${cluster.id}; zmień istniejące członkostwo.`);

  const application = await createGrantApplication(app);
  t.equal((await transition(app, application.id, { to: "submitted" })).statusCode, 200);
  const url = `/v1/grant-applications/${application.id}`;
  const draftOnly = await both({ method: "DELETE", url, headers: { "if-match": `"${application.id}.v2"` } }, "header");
  const conflict = compare(t, draftOnly.en, draftOnly.pl, 409, "conflict");
  t.match(conflict.en.detail, /^Only a draft grant application can be deleted; this one is submitted\. Withdraw it instead/);
  t.match(conflict.pl.detail, /^Usunąć można tylko wniosek w wersji roboczej \(draft\); ten ma status submitted\. Zamiast tego wycofaj go/);
});

t.test("a 412 stale If-Match", async (t) => {
  const coordinator = await createCoordinator(app);
  const url = `/v1/coordinators/${coordinator.id}`;
  const updated = await app.inject({ method: "PATCH", url, headers: { "if-match": `"${coordinator.id}.v1"` }, payload: { shortName: "ZNIK" } });
  t.equal(updated.statusCode, 200);
  const { en, pl } = await both({ method: "PATCH", url, headers: { "if-match": `"${coordinator.id}.v1"` }, payload: { shortName: "X" } }, "header");
  const problems = compare(t, en, pl, 412, "version_mismatch");
  t.equal(problems.pl.title, "Rekord zmienił się, odkąd go odczytano");
  t.equal(
    problems.pl.detail,
    `Rekord ma wersję 2; If-Match nie wskazał jego bieżącego ETagu "${coordinator.id}.v2". Pobierz go ponownie, nanieś zmianę jeszcze raz i ponów żądanie.`,
  );
  t.equal(problems.pl.currentEtag, `"${coordinator.id}.v2"`);
});

t.test("a 401 without a key", async (t) => {
  const { en, pl } = await both({ url: "/v1/coordinators", headers: { authorization: undefined as unknown as string } }, "header");
  t.match(compare(t, en, pl, 401, "unauthorized").pl.detail, /^Brak klucza API/);
});

t.test("the language: lang= first, then Accept-Language with its q-values, else English", async (t) => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ["", {}, "en"],
    ["", { "accept-language": "pl" }, "pl"],
    ["", { "accept-language": "en;q=0.8, pl" }, "pl"],
    ["", { "accept-language": "de, pl;q=0.3, en;q=0.5" }, "en"],
    ["", { "accept-language": "de-DE, fr" }, "en"],
    ["", { "accept-language": "pl;q=0, en" }, "en"],
    ["?lang=pl", { "accept-language": "en" }, "pl"],
    ["?lang=en", { "accept-language": "pl" }, "en"],
  ];
  for (const [query, headers, language] of cases) {
    const response = await app.inject({ method: "GET", url: `/v1/coordinators/${randomUUID()}${query}`, headers });
    t.equal(response.headers["content-language"], language, `${query} ${JSON.stringify(headers)}`);
    t.equal(response.json().title, language === "pl" ? "Nie znaleziono" : "Not found");
  }
  const ok = await app.inject({ method: "GET", url: "/v1/coordinators?lang=pl&limit=1" });
  t.equal(ok.statusCode, 200, "lang= is accepted on any route");
});

t.test("the /problems catalogue lists every title in both languages", async (t) => {
  const response = await app.inject({ method: "GET", url: "/problems?lang=pl" });
  t.equal(response.statusCode, 200);
  t.equal(response.headers["content-language"], "pl");
  const { data } = response.json() as { data: Array<{ code: string; title: string; titles: { en: string; pl: string } }> };
  t.equal(data.length, Object.keys(PROBLEM_TYPES).length);
  for (const entry of data) {
    t.equal(entry.titles.en, PROBLEM_TYPES[entry.code as keyof typeof PROBLEM_TYPES].title);
    t.equal(entry.title, entry.titles.pl);
    t.not(entry.titles.pl, entry.titles.en, `${entry.code} has a Polish title`);
  }
  const english = await app.inject({ method: "GET", url: "/problems/not_found" });
  t.same(english.json().titles, { en: "Not found", pl: "Nie znaleziono" });
  t.equal(english.json().title, "Not found");
});
