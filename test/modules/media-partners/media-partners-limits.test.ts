import t from "tap";
import { testApp } from "../../helper.ts";
import { createMediaPartner } from "../../fixtures/media-partners.ts";
import { expectProblem } from "../../expect.ts";

/**
 * The size limits of the document are the ones the code keeps: a record with every field at its largest passes the
 * response schema (a smaller output bound would be a 500), and one character more is a 400.
 */

const { app } = await testApp(t);
const post = (payload: unknown) => app.inject({ method: "POST", url: "/v1/media-partners", payload: payload as object });

/** 253 characters: the longest host name, with labels of at most 63. */
const LONGEST_DOMAIN = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(58)}.pl`;
/** 254 characters: the longest e-mail address Email accepts. */
const LONGEST_EMAIL = `${"e".repeat(64)}@${"f".repeat(63)}.${"g".repeat(63)}.${"h".repeat(58)}.pl`;
/** 26 characters: the longest phone number Phone's pattern allows (`+`, a digit, then 24 more). */
const LONGEST_PHONE = `+4${"8".repeat(24)}`;
const LONGEST_URL = `https://${LONGEST_DOMAIN}/${"p".repeat(2048 - 9 - LONGEST_DOMAIN.length)}`;

t.test("every field at its largest round-trips", async (t) => {
  t.equal(LONGEST_DOMAIN.length, 253);
  t.equal(LONGEST_EMAIL.length, 254);
  t.equal(LONGEST_PHONE.length, 26);
  t.equal(LONGEST_URL.length, 2048);
  const res = await post({
    name: "N".repeat(300),
    website: LONGEST_URL,
    kind: "portal",
    contact: { name: "C".repeat(200), email: LONGEST_EMAIL, phone: LONGEST_PHONE },
    notes: "n".repeat(10_000),
  });
  t.equal(res.statusCode, 201, res.body.slice(0, 500));
  const body = res.json();
  t.equal(body.domain, LONGEST_DOMAIN, "derived from the website: 253 characters");
  t.equal(body.website, LONGEST_URL);
  t.strictSame(body.contact, { name: "C".repeat(200), email: LONGEST_EMAIL, phone: LONGEST_PHONE });

  const publication = await app.inject({
    method: "POST",
    url: `/v1/media-partners/${body.id}/publications`,
    payload: { title: "T".repeat(500), url: LONGEST_URL, notes: "n".repeat(10_000) },
  });
  t.equal(publication.statusCode, 201, publication.body.slice(0, 500));
  const embedded = await app.inject({ method: "GET", url: `/v1/media-partners/${body.id}?include=publications` });
  t.equal(embedded.statusCode, 200);
  t.equal(embedded.json().publications[0].title.length, 500);
});

t.test("a domain of 253 characters is stored in its canonical form", async (t) => {
  // Not the first test's domain (domains are unique).
  const other = LONGEST_DOMAIN.replaceAll("a", "x");
  const partner = await createMediaPartner(app, { website: null, domain: other.toUpperCase() });
  t.equal(partner.domain, other, "lower case, 253 characters");
  // 253 characters as sent, of which `www.` comes off.
  const withWww = await createMediaPartner(app, { website: null, domain: `www.${other.replaceAll("x", "y").slice(4)}` });
  t.equal(withWww.domain, other.replaceAll("x", "y").slice(4));
});

t.test("one more is a 400 naming the field, with the rule's own message", async (t) => {
  const base = { name: "Portal", kind: "portal" };
  // Labels of at most 63 characters, 254 in all: only the length is wrong.
  const TOO_LONG = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(59)}.pl`;
  t.equal(TOO_LONG.length, 254);
  const tooLong = expectProblem(t, await post({ ...base, domain: TOO_LONG }), 400, "validation_failed", ["/domain"]);
  t.equal(tooLong.errors?.[0]?.message, "must be a domain name such as gospodarkamorska.pl", "one message, not two");
  expectProblem(t, await app.inject({ method: "GET", url: `/v1/media-partners?domain=${TOO_LONG}` }), 400, "validation_failed", ["/domain"]);
  expectProblem(t, await post({ ...base, name: "N".repeat(301) }), 400, "validation_failed", ["/name"]);
  expectProblem(t, await post({ ...base, contact: { name: "C".repeat(201) } }), 400, "validation_failed", ["/contact/name"]);
  expectProblem(t, await post({ ...base, notes: "n".repeat(10_001) }), 400, "validation_failed", ["/notes"]);
});
