// The calendar date of an instant in a time zone, at the ends of the range the API writes (0001-01-01 to 9999-12-31).
import t from "tap";
import { isoInstant, localDateOf } from "../../src/lib/dates.ts";

t.test("years before 1000 keep four digits", async (t) => {
  t.equal(localDateOf(new Date("0491-12-10T22:52:28-23:59"), "Indian/Mahe"), "0491-12-12");
  t.equal(localDateOf(new Date("0001-01-02T00:00:00Z"), "Asia/Yekaterinburg"), "0001-01-02");
});

t.test("a date before the common era is no YYYY-MM-DD date", async (t) => {
  const date = localDateOf(new Date("0001-01-01T00:30:00Z"), "America/New_York");
  t.equal(date, "-0001-12-31");
  t.notMatch(date, /^\d{4}-\d{2}-\d{2}$/);
});

t.test("everyday dates", async (t) => {
  t.equal(localDateOf(new Date("2013-05-09T22:30:00Z"), "Europe/Warsaw"), "2013-05-10");
  t.equal(localDateOf(new Date("9999-12-31T23:00:00Z"), "Asia/Tokyo"), "10000-01-01");
});

t.test("isoInstant writes what toISOString writes", async (t) => {
  const edges = ["0000-01-01T00:00:00.000Z", "0000-02-29T23:59:59.999Z", "0999-12-31T23:59:59.999Z", "1000-01-01T00:00:00.000Z", "1899-12-31T12:00:00.001Z",
    "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z", "2000-02-29T08:05:03.040Z", "2100-03-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"];
  for (const text of edges) t.equal(isoInstant(new Date(text)), text, text);
  // Outside 0000-9999 toISOString writes a sign and six digits; so does isoInstant (by asking it).
  t.equal(isoInstant(new Date("-000001-12-31T00:00:00.000Z")), "-000001-12-31T00:00:00.000Z");
  t.equal(isoInstant(new Date("+010000-01-01T00:00:00.000Z")), "+010000-01-01T00:00:00.000Z");
  t.throws(() => isoInstant(new Date(Number.NaN)), RangeError, "an invalid date throws, as toISOString does");
  let differing = 0;
  for (let i = 0; i < 200_000; i++) {
    const date = new Date(Math.floor((Math.random() * 2.2 - 0.2) * 253_402_300_800_000)); // about -2000 to 9999 and beyond
    if (isoInstant(date) !== date.toISOString()) differing++;
  }
  t.equal(differing, 0, "200,000 random instants");
});
