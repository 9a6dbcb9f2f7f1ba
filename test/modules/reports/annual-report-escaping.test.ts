import t from "tap";
import { extractText, getDocumentProxy } from "unpdf";
import { testApp } from "../../helper.ts";
import { createCluster, createCoordinator } from "../../fixtures/records.ts";

/**
 * Stored text is data, never markup: every text a client stored is escaped in the HTML report and isolated for
 * bidirectional text, and comes back unchanged in the PDF. Texts with markup, quotes, right-to-left script, a
 * right-to-left override and combining marks (that have no precomposed form, so NFC keeps them).
 */

const SCRIPT = `<script>alert("x")</script>`;
const QUOTES = `"Cudzysłów" i 'apostrof' & <b>pogrubienie</b>`;
const ARABIC = "شركة النقل البحري";
const HEBREW = "אשכול לוגיסטיקה";
const OVERRIDE = "gnp.\u202Eexe";
// Already in canonical order (dot below before dot above), so NFC changes nothing.
const COMBINING = "q\u0323\u0307 n\u0302 Ǫ\u0301";
const BREAKOUT = `</p></bdi></li></ol></section><img src=x onerror="alert(1)"><p>`;

const { app } = await testApp(t);
const coordinator = await createCoordinator(app, { name: `${SCRIPT} Koordynator` });
const cluster = await createCluster(app, { coordinatorId: coordinator.id, name: `${ARABIC} ${HEBREW}`, description: QUOTES });
const activity = await app.inject({
  method: "POST",
  url: "/v1/activities",
  payload: { title: `${OVERRIDE} ${COMBINING}`, description: BREAKOUT, category: "other", status: "completed", year: 2032, coordinatorId: coordinator.id, clusterId: cluster.id },
});
if (activity.statusCode !== 201) throw new Error(activity.body);
const meeting = await app.inject({
  method: "POST",
  url: "/v1/meetings",
  payload: {
    title: SCRIPT,
    date: "2032-03-01",
    format: "workshop",
    activityId: activity.json().id,
    venue: { name: QUOTES, city: HEBREW, district: OVERRIDE },
    agenda: [SCRIPT, COMBINING],
    outcomes: BREAKOUT,
  },
});
if (meeting.statusCode !== 201) throw new Error(meeting.body);

t.test("the HTML page escapes every stored text", async (t) => {
  const response = await app.inject({ method: "GET", url: `/v1/reports/annual/2032?format=html&coordinatorId=${coordinator.id}` });
  t.equal(response.statusCode, 200);
  const html = response.body;
  t.notMatch(html, /<script/i, "no script element");
  t.notMatch(html, /<img|<b>/i, "no element a stored text tried to open");
  t.equal(html.match(/<\/section>/g)?.length, html.match(/<section /g)?.length, "no section closed early");
  t.match(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Koordynator", "the coordinator's name, escaped");
  t.match(html, "&quot;Cudzysłów&quot; i &#39;apostrof&#39; &amp; &lt;b&gt;pogrubienie&lt;/b&gt;", "quotes, ampersand and tags escaped");
  t.match(html, "&lt;/p&gt;&lt;/bdi&gt;&lt;/li&gt;&lt;/ol&gt;&lt;/section&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;p&gt;");
  t.match(html, `<bdi>${ARABIC} ${HEBREW}</bdi>`, "right-to-left names are kept and isolated");
  t.match(html, `<bdi>${HEBREW}</bdi>`, "the city too");
  t.match(html, `<bdi>${OVERRIDE}</bdi>`, "a right-to-left override cannot leak past its own text");
  t.match(html, `<bdi>${OVERRIDE} ${COMBINING}</bdi>`, "combining marks arrive as stored");
  t.equal(COMBINING.normalize("NFC"), COMBINING, "NFC, which the API applies to stored text, leaves them as they are");
  t.notMatch(html, /\u202E(?![^<]*<\/bdi>)/, "every override character sits inside a <bdi>");
});

t.test("the PDF gives every stored text back as it was", async (t) => {
  const response = await app.inject({ method: "GET", url: `/v1/reports/annual/2032?format=pdf&lang=en&coordinatorId=${coordinator.id}` });
  t.equal(response.statusCode, 200);
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(response.rawPayload)), { mergePages: true });
  const flat = text.replace(/\s+/g, " ");
  for (const stored of [SCRIPT, `"Cudzysłów" i 'apostrof' & <b>pogrubienie</b>`, `onerror="alert(1)"`]) t.ok(flat.includes(stored), `says ${stored}`);
  t.ok(flat.includes("Cluster coordinator: <script>"), "the running header too");
});
