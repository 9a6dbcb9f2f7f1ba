import t from "tap";
import { isValidKrs, isValidNip, isValidRegon, normalizeRegistryId } from "../../src/lib/polish-registry-ids.ts";

// Check digits worked out by hand (weights 6,5,7,2,3,4,5,6,7 for NIP; 8,9,2,3,4,5,6,7 and 2,4,8,5,0,9,7,3,6,1,2,4,8 for REGON).

t.test("NIP: valid numbers pass", async (t) => {
  t.ok(isValidNip("1234563218"), "sum 118, 118 % 11 = 8");
  t.ok(isValidNip("5261040828"), "sum 162, 162 % 11 = 8");
  t.ok(isValidNip("1000000012"));
});

t.test("NIP: wrong check digit, wrong length, non-digits and raw formats fail", async (t) => {
  t.notOk(isValidNip("1234563219"), "check digit off by one");
  t.notOk(isValidNip("5261040827"));
  t.notOk(isValidNip("123456321"), "9 digits");
  t.notOk(isValidNip("12345632180"), "11 digits");
  t.notOk(isValidNip("12345a3218"));
  t.notOk(isValidNip("123-456-32-18"), "not normalised: the validator expects digits only");
  t.notOk(isValidNip(""));
  // Weighted sum % 11 = 10 has no check digit: no number with this body is valid.
  for (let d = 0; d <= 9; d++) t.notOk(isValidNip(`000000003${d}`), `000000003${d}: sum % 11 = 10`);
});

t.test("REGON-9: valid and invalid", async (t) => {
  t.ok(isValidRegon("123456785"), "sum 192, % 11 = 5");
  t.ok(isValidRegon("000000030"), "sum % 11 = 10 gives check digit 0");
  t.notOk(isValidRegon("000000031"));
  t.notOk(isValidRegon("123456784"));
  t.notOk(isValidRegon("12345678"), "8 digits");
  t.notOk(isValidRegon("1234567850"), "10 digits");
  t.notOk(isValidRegon("12345678x"));
});

t.test("REGON-14: valid only when both the 9-digit prefix and the 14th digit check", async (t) => {
  t.ok(isValidRegon("12345678512347"), "sum 260, % 11 = 7");
  t.notOk(isValidRegon("12345678512348"), "wrong 14th digit");
  t.notOk(isValidRegon("12345678412347"), "prefix has a wrong check digit");
  t.notOk(isValidRegon("1234567851234"), "13 digits");
  t.notOk(isValidRegon("123456785123470"), "15 digits");
});

t.test("KRS is exactly 10 digits", async (t) => {
  t.ok(isValidKrs("0000434123"));
  t.notOk(isValidKrs("434123"));
  t.notOk(isValidKrs("00004341230"));
  t.notOk(isValidKrs("000043412a"));
});

t.test("normalizeRegistryId removes spaces, hyphens and a leading PL", async (t) => {
  t.equal(normalizeRegistryId("526-104-08-28"), "5261040828");
  t.equal(normalizeRegistryId("PL 526-104-08-28"), "5261040828");
  t.equal(normalizeRegistryId("pl5261040828"), "5261040828");
  t.equal(normalizeRegistryId(" 526 10 40 828 "), "5261040828");
  t.equal(normalizeRegistryId("526\t104\n0828"), "5261040828");
  t.equal(normalizeRegistryId("5261040828PL"), "5261040828PL", "only a leading PL is a country prefix");
  t.ok(isValidNip(normalizeRegistryId("PL 123-456-32-18")));
});
