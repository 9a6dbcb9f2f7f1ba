import t from "tap";
import { testApp } from "../../helper.ts";
import { createMeeting, createParticipant } from "../../fixtures/meetings.ts";

/** `q` on /meetings/{id}/participants: person name, role and notes, ignoring case and Polish diacritics. */

const { app } = await testApp(t);
const meeting = await createMeeting(app, { title: "Drugie spotkanie strategiczne", format: "simulation_workshop" });
const other = await createMeeting(app, { title: "Trzecie spotkanie strategiczne" });
const url = (meetingId: string) => `/v1/meetings/${meetingId}/participants`;
const search = async (q: string, meetingId = meeting.id) => {
  const res = await app.inject({ method: "GET", url: `${url(meetingId)}?q=${encodeURIComponent(q)}` });
  t.equal(res.statusCode, 200, `q=${q}`, { body: res.body });
  return (res.json().data as Array<{ id: string }>).map((row) => row.id).sort();
};

const moderator = await createParticipant(app, meeting.id, {
  personName: "Małgorzata Żółkiewska-Ślęzak",
  role: "moderatorka warsztatu",
  helix: "science",
  notes: "Wcieliła się w rolę przedstawiciela samorządu.",
});
const official = await createParticipant(app, meeting.id, { personName: "Jan Kowalski", role: "przedstawiciel Urzędu Marszałkowskiego", helix: "government" });
const sameNameElsewhere = await createParticipant(app, other.id, { personName: "Małgorzata Żółkiewska-Ślęzak" });

t.test("q matches person name, role and notes, ignoring case and diacritics", async (t) => {
  t.same(await search("zolkiewska"), [moderator.id], "ż, ó, ł folded");
  t.same(await search("ŚLĘZAK"), [moderator.id], "upper case with diacritics");
  t.same(await search("Małgorzata"), [moderator.id], "as written");
  t.same(await search("MODERATORKA"), [moderator.id], "role");
  t.same(await search("samorzadu"), [moderator.id], "notes, without diacritics");
  t.same(await search("przedstawiciel"), [moderator.id, official.id].sort(), "one word, in the notes of one and the role of the other");
  t.same(await search("marszalkowskiego kowalski"), [official.id], "every word must match, across fields");
  t.same(await search("moderatorka kowalski"), [], "words matching different participants find neither");
  t.same(await search("lodz"), [], "no match");
  t.same(await search("%"), [], "% is a literal, not a wildcard");
  t.same(await search("Żółkiewska", other.id), [sameNameElsewhere.id], "only the meeting's own participants");
});

t.test("q combines with the other filters", async (t) => {
  const res = await app.inject({ method: "GET", url: `${url(meeting.id)}?q=przedstawiciel&helix=government` });
  t.same((res.json().data as Array<{ id: string }>).map((row) => row.id), [official.id]);
});

t.test("a PATCH re-indexes: the new text is found, the old is not", async (t) => {
  const res = await app.inject({
    method: "PATCH",
    url: `${url(meeting.id)}/${official.id}`,
    headers: { "if-match": `"${official.id}.v1"` },
    payload: { personName: "Łukasz Wiśniewski", role: null },
  });
  t.equal(res.statusCode, 200, res.body);
  t.same(await search("kowalski"), [], "the old name is gone");
  t.same(await search("marszalkowskiego"), [], "so is the cleared role");
  t.same(await search("lukasz wisniewski"), [official.id], "the new name is found, ł folded to l");
});
