import t from "tap";
import { testApp } from "../../helper.ts";
import { createCoordinator } from "../../fixtures/records.ts";
import { createOrganizationRow, transition } from "../../fixtures/grant-applications.ts";
import { expectProblem } from "../../expect.ts";

/**
 * The size limits of the document are the ones the code keeps: a record with every field at its largest passes the
 * response schema (a smaller output bound would be a 500), and one character or item more is a 400.
 */

const { app, db } = await testApp(t);
const post = (payload: unknown) => app.inject({ method: "POST", url: "/v1/grant-applications", payload: payload as object });
const patch = (id: string, payload: unknown, etag: string) =>
  app.inject({ method: "PATCH", url: `/v1/grant-applications/${id}`, payload: payload as object, headers: { "if-match": etag } });

const applicant = await createCoordinator(app);
const organizations = await Promise.all(Array.from({ length: 101 }, () => createOrganizationRow(db)));
const partners = (n: number) => organizations.slice(0, n).map((o) => ({ organizationId: o.id, role: "r".repeat(200) }));

const largest = {
  title: "T".repeat(500),
  callName: "C".repeat(500),
  programme: "P".repeat(500),
  applicantId: applicant.id,
  partners: partners(100),
  requestedAmount: { amount: "99999999999999.99", currency: "EUR" },
  awardedAmount: { amount: 99999999999999, currency: "PLN" },
  inKindSupport: "K".repeat(2000),
  evaluation: { score: "999999.99", maxScore: "999999.99", rank: 1_000_000, rankOutOf: 1_000_000, notes: "N".repeat(5000) },
  decision: { reference: "R".repeat(300), date: "2012-12-20", body: "B".repeat(300) },
};

t.test("every field at its largest round-trips", async (t) => {
  const res = await post(largest);
  t.equal(res.statusCode, 201, res.body.slice(0, 500));
  const body = res.json();
  t.equal(body.partners.length, 100);
  t.equal(body.partners[99].role.length, 200);
  t.strictSame(body.requestedAmount, { amount: "99999999999999.99", currency: "EUR" }, "17 characters");
  t.strictSame(body.awardedAmount, { amount: "99999999999999.00", currency: "PLN" });
  t.strictSame(body.evaluation, { score: "999999.99", maxScore: "999999.99", rank: 1_000_000, rankOutOf: 1_000_000, notes: "N".repeat(5000) });
  t.strictSame(body.decision, largest.decision);
  t.equal(body.inKindSupport.length, 2000);
  const read = await app.inject({ method: "GET", url: `/v1/grant-applications/${body.id}?include=partners` });
  t.equal(read.statusCode, 200, "GET with the partners embedded");
  t.equal(read.json().partners.length, 100);

  const moved = await transition(app, body.id, { to: "submitted", on: "2012-11-16", note: "N".repeat(2000) });
  t.equal(moved.statusCode, 200, moved.body.slice(0, 500));
  const history = await app.inject({ method: "GET", url: `/v1/grant-applications/${body.id}/status-history` });
  t.equal(history.statusCode, 200);
  t.equal(history.json().data.at(-1).note.length, 2000, "a status note of 2000 characters");
});

t.test("one more is a 400 naming the field", async (t) => {
  const one = (field: string, value: unknown) => post({ ...largest, partners: [], [field]: value });
  expectProblem(t, await one("title", "T".repeat(501)), 400, "validation_failed", ["/title"]);
  expectProblem(t, await one("inKindSupport", "K".repeat(2001)), 400, "validation_failed", ["/inKindSupport"]);
  expectProblem(t, await post({ ...largest, partners: partners(101) }), 400, "validation_failed", ["/partners"]);
  expectProblem(t, await one("partners", [{ organizationId: organizations[0]!.id, role: "r".repeat(201) }]), 400, "validation_failed", ["/partners/0/role"]);
  expectProblem(t, await one("evaluation", { rank: 1_000_001 }), 400, "validation_failed", ["/evaluation/rank"]);
  expectProblem(t, await one("evaluation", { score: "1000000" }), 400, "validation_failed", ["/evaluation/score"]);
  expectProblem(t, await one("requestedAmount", { amount: "100000000000000" }), 400, "validation_failed", ["/requestedAmount/amount"]);
});

t.test("a merge patch of an amount is bounded too", async (t) => {
  const created = (await post({ title: "Wniosek", applicantId: applicant.id, requestedAmount: { amount: "1.00" } })).json();
  const etag = `"${created.id}.v1"`;
  const currency = expectProblem(t, await patch(created.id, { requestedAmount: { currency: "EURO" } }, etag), 400, "validation_failed", ["/requestedAmount/currency"]);
  t.equal(currency.errors?.[0]?.message, "must be an ISO 4217 currency code such as PLN or EUR", "the message of the currency rule");
  const amount = expectProblem(t, await patch(created.id, { requestedAmount: { amount: "1".repeat(41) } }, etag), 400, "validation_failed", ["/requestedAmount/amount"]);
  t.match(amount.errors?.[0]?.message, /^must be a non-negative decimal with at most 2 decimal places/);
  const ok = await patch(created.id, { requestedAmount: { currency: "EUR" } }, etag);
  t.equal(ok.statusCode, 200, ok.body);
  t.strictSame(ok.json().requestedAmount, { amount: "1.00", currency: "EUR" }, "members merge one by one");
});
