import t from "tap";
import { testApp } from "../../helper.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";
import { createGrantApplication, createOrganizationRow, transition, walk } from "../../fixtures/grant-applications.ts";
import { ISO_UTC, UUID_V7, expectProblem, nextLinkOf } from "../../expect.ts";

const { app, db } = await testApp(t);
const get = (id: string) => app.inject({ method: "GET", url: `/v1/grant-applications/${id}` });
const history = (id: string, query = "") => app.inject({ method: "GET", url: `/v1/grant-applications/${id}/status-history${query}` });
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";
const applicant = await createCoordinator(app);

/** The lifecycle the issue describes, written out independently of the implementation. */
const ALLOWED: Record<string, string[]> = {
  draft: ["submitted", "withdrawn"],
  submitted: ["under_evaluation", "withdrawn"],
  under_evaluation: ["approved", "rejected", "withdrawn"],
  approved: ["contracted", "withdrawn"],
  rejected: [],
  withdrawn: [],
  contracted: ["completed"],
  completed: [],
};
const PATH_TO: Record<string, string[]> = {
  draft: [],
  submitted: ["submitted"],
  under_evaluation: ["submitted", "under_evaluation"],
  approved: ["submitted", "under_evaluation", "approved"],
  rejected: ["submitted", "under_evaluation", "rejected"],
  withdrawn: ["withdrawn"],
  contracted: ["submitted", "under_evaluation", "approved", "contracted"],
  completed: ["submitted", "under_evaluation", "approved", "contracted", "completed"],
};
const STATUSES = Object.keys(ALLOWED);

t.test("every pair of statuses: legal edges move, the rest are 409s naming the allowed ones", async (t) => {
  let legal = 0;
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const g = await createGrantApplication(app, { applicantId: applicant.id });
      const at = PATH_TO[from]!.length > 0 ? await walk(app, g.id, PATH_TO[from]!) : g;
      t.equal(at.status, from);
      t.strictSame(at.allowedTransitions, ALLOWED[from], `allowedTransitions of ${from}`);
      const entriesBefore = (await history(g.id)).json().data.length;
      const res = await transition(app, g.id, { to, on: "2013-01-15", note: `${from} -> ${to}` });
      if (ALLOWED[from]!.includes(to)) {
        legal++;
        t.equal(res.statusCode, 200, `${from} -> ${to} is allowed`);
        const body = res.json();
        t.equal(body.status, to);
        t.equal(body.statusChangedOn, "2013-01-15");
        t.equal(body.version, at.version + 1);
        t.equal(res.headers.etag, `"${g.id}.v${at.version + 1}"`);
        t.strictSame(body.allowedTransitions, ALLOWED[to]);
        const entries = (await history(g.id)).json().data;
        t.equal(entries.length, entriesBefore + 1);
        t.strictSame({ ...entries.at(-1), id: undefined, createdAt: undefined }, { id: undefined, from, to, on: "2013-01-15", note: `${from} -> ${to}`, createdAt: undefined });
      } else {
        const body = expectProblem(t, res, 409, "transition_not_allowed");
        t.strictSame(body.allowedTransitions, ALLOWED[from], `${from} -> ${to} refused, naming ${ALLOWED[from]!.join(", ") || "nothing"}`);
        t.equal(body.currentStatus, from);
        for (const allowed of ALLOWED[from]!) t.match(body.detail, allowed);
        if (ALLOWED[from]!.length === 0) t.match(body.detail, /closed/);
        const after = (await get(g.id)).json();
        t.equal(after.status, from, "the status did not change");
        t.equal(after.version, at.version, "nor the version");
        t.equal(after.statusChangedOn, at.statusChangedOn);
        t.equal((await history(g.id)).json().data.length, entriesBefore, "no history row was written");
      }
    }
  }
  t.equal(legal, 10, "ten legal edges");
});

t.test("the 2012 application: submitted 16.11.2012, 99.5 points, 2nd place, Uchwała nr 1486/205/12 of 20.12.2012", async (t) => {
  const coordinator = await createCoordinator(app, { name: "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.", address: { city: "Gdańsk" } });
  const cluster = await createCluster(app, { coordinatorId: coordinator.id, name: "Klaster LTPP", sectors: ["logistyka", "transport", "dystrybucja"] });
  const voivodeship = await createOrganizationRow(db, { name: "Zarząd Województwa Pomorskiego", kind: "government" });
  const created = await createGrantApplication(app, {
    title: "Wniosek Klastra LTPP w konkursie „Strategia dla klastra”",
    callName: "Strategia dla klastra",
    fundingBodyId: voivodeship.id,
    applicantId: coordinator.id,
    clusterId: cluster.id,
  });
  t.equal(created.submittedOn, null);

  const submitted = await transition(app, created.id, { to: "submitted", on: "2012-11-16", note: "Złożony za pośrednictwem Urzędu Marszałkowskiego w Gdańsku" });
  t.equal(submitted.statusCode, 200, submitted.body);
  t.equal(submitted.json().submittedOn, "2012-11-16", "the submitted transition fills submittedOn");
  t.equal((await transition(app, created.id, { to: "under_evaluation" })).json().statusChangedOn, null, "no date given, none recorded");

  const evaluated = await app.inject({
    method: "PATCH",
    url: `/v1/grant-applications/${created.id}`,
    headers: { "if-match": `"${created.id}.v3"` },
    payload: {
      inKindSupport: "Dostarczenie narzędzi na tworzenie strategii",
      evaluation: { score: "99.5", rank: 2, notes: "Pozytywna ocena, drugie miejsce; jedna z czterech inicjatyw objętych wsparciem." },
      decision: { reference: "Uchwała nr 1486/205/12", date: "2012-12-20", body: "Zarząd Województwa Pomorskiego" },
    },
  });
  t.equal(evaluated.statusCode, 200, evaluated.body);
  const approved = await transition(
    app,
    created.id,
    { to: "approved", on: "2012-12-20", note: "Uchwała nr 1486/205/12 Zarządu Województwa Pomorskiego z dnia 20.12.2012" },
    { "if-match": evaluated.headers.etag as string },
  );
  t.equal(approved.statusCode, 200, approved.body);
  const body = approved.json();
  t.equal(body.status, "approved");
  t.equal(body.statusChangedOn, "2012-12-20");
  t.equal(body.callName, "Strategia dla klastra");
  t.equal(body.fundingBodyId, voivodeship.id);
  t.equal(body.applicantId, coordinator.id);
  t.equal(body.submittedOn, "2012-11-16");
  t.strictSame(body.evaluation, { score: "99.5", maxScore: null, rank: 2, rankOutOf: null, notes: "Pozytywna ocena, drugie miejsce; jedna z czterech inicjatyw objętych wsparciem." });
  t.strictSame(body.decision, { reference: "Uchwała nr 1486/205/12", date: "2012-12-20", body: "Zarząd Województwa Pomorskiego" });
  t.equal(body.inKindSupport, "Dostarczenie narzędzi na tworzenie strategii");
  t.equal(body.requestedAmount, null, "support in kind, no money");
  t.strictSame(body.allowedTransitions, ["contracted", "withdrawn"]);
  t.strictSame((await get(created.id)).json(), body);

  const entries = (await history(created.id)).json().data as Array<Record<string, unknown>>;
  t.strictSame(
    entries.map(({ from, to, on, note }) => ({ from, to, on, note })),
    [
      { from: null, to: "draft", on: null, note: null },
      { from: "draft", to: "submitted", on: "2012-11-16", note: "Złożony za pośrednictwem Urzędu Marszałkowskiego w Gdańsku" },
      { from: "submitted", to: "under_evaluation", on: null, note: null },
      { from: "under_evaluation", to: "approved", on: "2012-12-20", note: "Uchwała nr 1486/205/12 Zarządu Województwa Pomorskiego z dnia 20.12.2012" },
    ],
  );
  for (const entry of entries) {
    t.match(entry.id, UUID_V7);
    t.match(entry.createdAt, ISO_UTC);
  }
  const found = await app.inject({ method: "GET", url: `/v1/grant-applications?q=${encodeURIComponent("uchwala 1486/205/12")}` });
  t.strictSame(found.json().data.map((g: { id: string }) => g.id), [created.id], "found by its resolution number");
});

t.test("dates: `on` may not go back before the previous dated change; submittedOn is only filled when empty", async (t) => {
  const g = await createGrantApplication(app, { applicantId: applicant.id, submittedOn: "2012-11-15" });
  const submitted = await transition(app, g.id, { to: "submitted", on: "2012-11-16" });
  t.equal(submitted.json().submittedOn, "2012-11-15", "a known submittedOn is kept");
  t.equal((await transition(app, g.id, { to: "under_evaluation" })).statusCode, 200, "an undated change in between");
  const early = expectProblem(t, await transition(app, g.id, { to: "approved", on: "2012-11-15" }), 400, "validation_failed", ["/on"]);
  t.match(early.errors![0]!.message, /2012-11-16/);
  const after = (await get(g.id)).json();
  t.equal(after.status, "under_evaluation", "nothing changed");
  t.equal(after.version, 3);
  t.equal((await history(g.id)).json().data.length, 3, "no history row for the refused change");
  t.equal((await transition(app, g.id, { to: "approved", on: "2012-11-16" })).statusCode, 200, "the same day is fine");

  const undated = await createGrantApplication(app, { applicantId: applicant.id });
  t.equal((await transition(app, undated.id, { to: "submitted" })).json().submittedOn, null, "no date, nothing to fill in");
});

t.test("the transition body is validated; If-Match is optional but honoured", async (t) => {
  const g = await createGrantApplication(app, { applicantId: applicant.id });
  expectProblem(t, await transition(app, g.id, {}), 400, "validation_failed", ["/to"]);
  expectProblem(t, await transition(app, g.id, { to: "accepted" }), 400, "validation_failed", ["/to"]);
  expectProblem(t, await transition(app, g.id, { to: "submitted", on: "16.11.2012" }), 400, "validation_failed", ["/on"]);
  expectProblem(t, await transition(app, g.id, { to: "submitted", note: " " }), 400, "validation_failed", ["/note"]);
  expectProblem(t, await transition(app, g.id, { to: "submitted", status: "submitted" }), 400, "validation_failed", ["/status"]);
  const stale = expectProblem(t, await transition(app, g.id, { to: "submitted" }, { "if-match": `"${g.id}.v2"` }), 412, "version_mismatch");
  t.equal(stale.currentVersion, 1);
  t.equal((await get(g.id)).json().status, "draft", "a stale If-Match changes nothing");
  const ok = await transition(app, g.id, { to: "submitted" }, { "if-match": `"${g.id}.v1"` });
  t.equal(ok.statusCode, 200);
  t.equal(ok.headers.etag, `"${g.id}.v2"`);
  expectProblem(t, await transition(app, UNKNOWN_ID, { to: "submitted" }), 404, "not_found");
  expectProblem(t, await transition(app, "nie-uuid", { to: "submitted" }), 400, "validation_failed", ["/id"]);
  expectProblem(t, await app.inject({ method: "PUT", url: `/v1/grant-applications/${g.id}/transitions`, payload: {} }), 405, "method_not_allowed");
});

t.test("a retried transition with the same Idempotency-Key is replayed, not applied twice", async (t) => {
  const g = await createGrantApplication(app, { applicantId: applicant.id });
  const headers = { "idempotency-key": `ga-${g.id}` };
  const first = await transition(app, g.id, { to: "withdrawn", on: "2013-02-01" }, headers);
  t.equal(first.statusCode, 200);
  const replay = await transition(app, g.id, { to: "withdrawn", on: "2013-02-01" }, headers);
  t.equal(replay.statusCode, 200);
  t.equal(replay.headers["idempotent-replayed"], "true");
  t.strictSame(replay.json(), first.json());
  t.equal((await history(g.id)).json().data.length, 2, "one change recorded");
});

t.test("status history: oldest first, cursor pages, 404 for an unknown application, read-only", async (t) => {
  const g = await createGrantApplication(app, { applicantId: applicant.id });
  await walk(app, g.id, PATH_TO.completed!);
  const all = (await history(g.id)).json();
  t.strictSame(all.data.map((e: { to: string }) => e.to), ["draft", ...PATH_TO.completed!]);
  t.strictSame(all.data.map((e: { from: string | null }) => e.from), [null, "draft", "submitted", "under_evaluation", "approved", "contracted"]);
  t.equal(all.nextCursor, null);
  const createdAts = all.data.map((e: { createdAt: string }) => e.createdAt);
  t.strictSame(createdAts, [...createdAts].sort(), "recorded times ascend");

  const seen: string[] = [];
  let url: string | undefined = `/v1/grant-applications/${g.id}/status-history?limit=4`;
  let pages = 0;
  while (url) {
    const res = await app.inject({ method: "GET", url });
    t.equal(res.statusCode, 200);
    seen.push(...res.json().data.map((e: { id: string }) => e.id));
    url = nextLinkOf(t, res);
    pages++;
  }
  t.equal(pages, 2);
  t.strictSame(seen, all.data.map((e: { id: string }) => e.id), "two pages, no duplicates or gaps");

  expectProblem(t, await history(UNKNOWN_ID), 404, "not_found");
  expectProblem(t, await history(g.id, "?limit=0"), 400, "validation_failed", ["/limit"]);
  expectProblem(t, await history(g.id, "?sort=-createdAt"), 400, "validation_failed", ["/sort"]);
  const entry = all.data[1].id as string;
  for (const method of ["POST", "PATCH", "DELETE", "PUT"] as const) {
    const res = await app.inject({ method, url: `/v1/grant-applications/${g.id}/status-history`, payload: {} });
    t.equal(res.statusCode, 405, `${method} on the history is not allowed`);
  }
  t.equal((await app.inject({ method: "DELETE", url: `/v1/grant-applications/${g.id}/status-history/${entry}` })).statusCode, 404, "no entry URL to delete");
  t.equal((await history(g.id)).json().data.length, 6, "the history is unchanged");
});

t.test("concurrent transitions are judged one after the other", async (t) => {
  const g = await createGrantApplication(app, { applicantId: applicant.id });
  const results = await Promise.all([transition(app, g.id, { to: "submitted" }), transition(app, g.id, { to: "withdrawn" })]);
  const codes = results.map((r) => r.statusCode).sort();
  t.ok(codes.includes(200), "one of them wins");
  const final = (await get(g.id)).json();
  const entries = (await history(g.id)).json().data;
  t.equal(entries.length - 1, codes.filter((c) => c === 200).length, "one history row per successful change");
  t.equal(entries.at(-1).to, final.status, "the last history row is the current status");
  t.equal(final.version, entries.length, "version counts the changes");
});
