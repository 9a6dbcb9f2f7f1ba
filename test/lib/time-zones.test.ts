// The time zones the document names (TimeZoneName) are ones the server accepts, and its pattern names no others.
import t from "tap";
import { canonicalTimeZone } from "../../src/lib/dates.ts";
import { TIME_ZONES, TIME_ZONE_PATTERN } from "../../src/lib/time-zones.ts";

t.test("every listed zone is accepted, under its own name", async (t) => {
  t.ok(TIME_ZONES.length > 400, `${TIME_ZONES.length} zones`);
  t.same(TIME_ZONES.filter((name) => canonicalTimeZone(name) !== name), [], "zones the server refuses or renames");
});

t.test("the pattern matches exactly the listed zones", async (t) => {
  const pattern = new RegExp(TIME_ZONE_PATTERN);
  t.same(TIME_ZONES.filter((name) => !pattern.test(name)), [], "listed zones the pattern misses");
  for (const other of ["Europe/Warsawx", "europe/warsaw", "Europe/", "Warsaw", "Etc/GMT+1", "+02:00", "Europe/Warsaw|America/New_York"]) {
    t.notOk(pattern.test(other), `not ${other}`);
  }
});
