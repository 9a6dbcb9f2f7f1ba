// The calendar date of an instant in a time zone, at the ends of the range the API writes (0001-01-01 to 9999-12-31).
import t from "tap";
import { localDateOf } from "../../src/lib/dates.ts";

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
