import t from "tap";
import { assertIfMatch, contentEtag, etagOf, ifNoneMatchHits, parseEntityTags, representationEtag, requireIfMatch } from "../../src/lib/etag.ts";
import { ApiError } from "../../src/lib/problem.ts";

const record = { id: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f", version: 3 };
const etag = `"${record.id}.v3"`;

t.test("etagOf is a strong tag of id and version", async (t) => {
  t.equal(etagOf(record), etag);
  t.not(etagOf({ ...record, version: 4 }), etag);
});

t.test("parseEntityTags splits lists, keeps W/ and *, and commas inside quotes", async (t) => {
  t.same(parseEntityTags(`"a", W/"b",  "c"`), [`"a"`, `W/"b"`, `"c"`]);
  t.same(parseEntityTags(`"a,b", "c"`), [`"a,b"`, `"c"`], "a comma inside an entity tag does not split it");
  t.same(parseEntityTags("*"), ["*"]);
  t.same(parseEntityTags(`"a",*`), [`"a"`, "*"]);
  t.same(parseEntityTags(`  "a"  `), [`"a"`]);
  t.same(parseEntityTags(""), []);
});

t.test("If-None-Match uses weak comparison", async (t) => {
  t.equal(ifNoneMatchHits(undefined, etag), false);
  t.equal(ifNoneMatchHits("", etag), false);
  t.equal(ifNoneMatchHits(etag, etag), true);
  t.equal(ifNoneMatchHits(`W/${etag}`, etag), true, "W/ tag matches weakly");
  t.equal(ifNoneMatchHits(`"other", ${etag}`, etag), true, "any tag of a list");
  t.equal(ifNoneMatchHits("*", etag), true);
  t.equal(ifNoneMatchHits(`"${record.id}.v2"`, etag), false, "an older version is not a hit");
  t.equal(ifNoneMatchHits(`${record.id}.v3`, etag), false, "unquoted is not the same tag");
});

t.test("requireIfMatch: missing or blank -> 428 precondition_required", async (t) => {
  for (const header of [undefined, "", "   "]) {
    const error = t.throws(() => requireIfMatch(header)) as unknown as ApiError;
    t.ok(error instanceof ApiError);
    t.equal(error.status, 428);
    t.equal(error.code, "precondition_required");
  }
  t.equal(requireIfMatch(etag), etag);
});

t.test("assertIfMatch: strong comparison, * matches, stale -> 412 with currentVersion", async (t) => {
  t.doesNotThrow(() => assertIfMatch(etag, record));
  t.doesNotThrow(() => assertIfMatch("*", record));
  t.doesNotThrow(() => assertIfMatch(`"x", ${etag}`, record), "any tag of a list");
  for (const header of [`"${record.id}.v2"`, `W/${etag}`, `"${record.id}.v33"`, "garbage"]) {
    let caught: unknown;
    try {
      assertIfMatch(header, record);
    } catch (error) {
      caught = error;
    }
    t.ok(caught instanceof ApiError, `${header} is rejected`);
    const error = caught as ApiError;
    t.equal(error.status, 412);
    t.equal(error.code, "version_mismatch");
    t.equal(error.extensions.currentVersion, 3);
    t.equal(error.extensions.currentEtag, etag);
  }
});

t.test("representationEtag: plain for the record alone, a digest of the body otherwise", async (t) => {
  t.equal(representationEtag(record), etag);
  t.equal(representationEtag({ ...record, name: "x" } as never), etag, "the record's own fields are covered by its version");
  const embedded = { ...record, coordinator: { id: "c1", version: 1 } };
  const tag = representationEtag(embedded as never, ["coordinator"]);
  t.match(tag, /^"0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f\.v3\+[\w-]{16}"$/);
  t.equal(representationEtag({ ...record, coordinator: { id: "c1", version: 1 } } as never, ["coordinator"]) , tag, "deterministic");
  t.not(representationEtag({ ...record, coordinator: { id: "c1", version: 2 } } as never, ["coordinator"]), tag, "moves with an embedded record");
  t.not(representationEtag({ ...record, participants: [] } as never, ["participants"]), etag, "an include that embeds nothing still differs from the plain form");
  t.not(representationEtag({ ...record, participants: [] } as never, ["participants"]), representationEtag({ ...record, activity: null } as never, ["activity"]));
  const derived = representationEtag({ ...record, meetingIds: ["m1"] } as never, [], true);
  t.not(derived, etag, "derived fields are covered");
  t.not(representationEtag({ ...record, meetingIds: ["m1", "m2"] } as never, [], true), derived, "…and move the tag");
});

t.test("assertIfMatch accepts a representation ETag of the current version, not of another", async (t) => {
  const current = representationEtag({ ...record, coordinator: { id: "c1", version: 1 } } as never, ["coordinator"]);
  t.doesNotThrow(() => assertIfMatch(current, record));
  t.throws(() => assertIfMatch(current.replace(".v3+", ".v2+"), record));
  t.throws(() => assertIfMatch(`"${record.id}.v33+abc"`, record), "a longer version number is another version");
});

t.test("contentEtag: one tag per text, named by its kind", async (t) => {
  const tag = contentEtag("report", '{"year":2013}');
  t.match(tag, /^"report-[\w-]{22}"$/);
  t.equal(contentEtag("report", '{"year":2013}'), tag, "the same text, the same tag");
  t.not(contentEtag("report", '{"year":2014}'), tag, "another text, another tag");
  t.not(contentEtag("ics", '{"year":2013}'), tag, "another kind, another tag");
});
