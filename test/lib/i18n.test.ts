import t from "tap";
import { formatDate, formatDecimal, formatMoney, formatOrdinal, preferredLanguage, requestLanguage } from "../../src/lib/i18n.ts";
import { addVary, preferredMediaType } from "../../src/lib/negotiate.ts";

const NBSP = "\u00a0";
const plain = (text: string) => text.replaceAll(NBSP, " ");

t.test("Polish and English formats of dates, money, decimals and places", async (t) => {
  const date = new Date(Date.UTC(2012, 10, 16));
  t.equal(formatDate(date, "pl"), "16.11.2012");
  t.equal(formatDate(date, "en"), "16 November 2012");
  t.equal(formatDate(new Date(Date.UTC(2013, 4, 1)), "pl"), "01.05.2013");
  t.equal(plain(formatMoney("1234.5", "PLN", "pl")), "1 234,50 zł");
  t.equal(formatMoney("1234.50", "PLN", "pl"), `1${NBSP}234,50${NBSP}zł`, "non-breaking spaces: an amount never wraps");
  t.equal(plain(formatMoney("1234567.05", "EUR", "pl")), "1 234 567,05 EUR");
  t.equal(plain(formatMoney("1234.50", "PLN", "en")), "PLN 1,234.50");
  t.equal(plain(formatMoney("999.00", "PLN", "pl")), "999,00 zł");
  t.equal(plain(formatMoney("99999999999999.99", "PLN", "pl")), "99 999 999 999 999,99 zł", "exact: no binary float");
  t.equal(formatDecimal("99.50", "pl"), "99,5");
  t.equal(formatDecimal("99.5", "en"), "99.5");
  t.equal(formatDecimal("100.00", "pl"), "100");
  t.same([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map((n) => formatOrdinal(n, "en")), ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]);
  t.equal(formatOrdinal(2, "pl"), "2.");
});

t.test("Accept-Language: q-values, regions, wildcards and refusals", async (t) => {
  t.equal(preferredLanguage("pl-PL,pl;q=0.9,en-US;q=0.8"), "pl");
  t.equal(preferredLanguage("en-US,en;q=0.9,pl;q=0.8"), "en");
  t.equal(preferredLanguage("de, pl;q=0.4, en;q=0.3"), "pl");
  t.equal(preferredLanguage("de"), undefined);
  t.equal(preferredLanguage("*", ["pl", "en"]), "pl");
  t.equal(preferredLanguage("pl;q=0"), undefined);
  t.equal(preferredLanguage("pl;q=abc, en"), "en");
  t.equal(preferredLanguage(undefined), undefined);
  const request = (url: string, header?: string) => ({ url, headers: { "accept-language": header } });
  t.equal(requestLanguage(request("/x?lang=pl", "en")), "pl", "lang= wins");
  t.equal(requestLanguage(request("/x?lang=de", "pl")), "pl", "an unknown lang= is ignored here (the language plugin refuses it)");
  t.equal(requestLanguage(request("/x")), "en", "English for the API");
  t.equal(requestLanguage(request("/x"), "pl"), "pl", "Polish for documents");
});

t.test("Accept: the preferred of the offered media types", async (t) => {
  const offered = ["application/json", "text/html", "application/pdf"] as const;
  t.equal(preferredMediaType(undefined, offered), "application/json");
  t.equal(preferredMediaType("*/*", offered), "application/json");
  t.equal(preferredMediaType("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", offered), "text/html");
  t.equal(preferredMediaType("application/pdf", offered), "application/pdf");
  t.equal(preferredMediaType("text/*", offered), "text/html");
  t.equal(preferredMediaType("application/*;q=0.5, text/html;q=0.4", offered), "application/json");
  t.equal(preferredMediaType("application/json;q=0, */*", offered), "text/html", "q=0 refuses");
  t.equal(preferredMediaType("application/problem+json", offered), "application/json");
  t.equal(preferredMediaType("text/csv", offered), undefined);
});

t.test("Vary: names are added to what is there (CORS's Origin), once each", async (t) => {
  const headers: Record<string, string> = { vary: "Origin" };
  const reply = { getHeader: (name: string) => headers[name], header: (name: string, value: string) => (headers[name] = value) };
  addVary(reply, "Accept", "Accept-Language");
  addVary(reply, "accept");
  t.equal(headers.vary, "Origin, Accept, Accept-Language");
  delete headers.vary;
  addVary(reply, "Accept");
  t.equal(headers.vary, "Accept");
});
