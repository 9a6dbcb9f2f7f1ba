import t from "tap";
import { foldText, likeLiteral, searchTerms, searchText } from "../../src/lib/search-text.ts";

t.test("foldText lower-cases and removes Polish diacritics", async (t) => {
  t.equal(foldText("Łódź"), "lodz");
  t.equal(foldText("ŁÓDŹ"), "lodz", "capital Ł has no Unicode decomposition either");
  t.equal(foldText("Zażółć gęślą jaźń"), "zazolc gesla jazn");
  t.equal(foldText("ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż"), "acelnoszz acelnoszz");
  t.equal(foldText("Zarząd Nadbałtyckich"), "zarzad nadbaltyckich");
  t.equal(foldText("Gdan\u0301sk"), "gdansk", "decomposed input folds the same as composed");
});

t.test("foldText handles letters without a decomposition and compatibility forms", async (t) => {
  t.equal(foldText("Straße"), "strasse");
  t.equal(foldText("Øresund"), "oresund");
  t.equal(foldText("Æbeltoft"), "aebeltoft");
  t.equal(foldText("ﬁrma"), "firma", "ligature fi (NFKD)");
});

t.test("foldText collapses and trims white space", async (t) => {
  t.equal(foldText("  Klaster \t  LTPP\n "), "klaster ltpp");
  t.equal(foldText("a\u00a0b"), "a b", "no-break space becomes a space");
  t.equal(foldText("   "), "");
});

t.test("searchText joins the non-empty parts, flattening arrays", async (t) => {
  t.equal(searchText("Klaster Łódź", null, undefined, "", ["Logistyka", "Żegluga"], "0000434123"), "klaster lodz logistyka zegluga 0000434123");
  t.equal(searchText(), "");
});

t.test("searchTerms folds and splits the query into at most 10 words", async (t) => {
  t.same(searchTerms("  ZARZĄD   nadbałtyckich "), ["zarzad", "nadbaltyckich"]);
  t.same(searchTerms("lodz"), ["lodz"]);
  t.same(searchTerms("%"), ["%"], "wildcards are kept as literal characters");
  t.same(searchTerms("a b c d e f g h i j k l"), ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]);
  t.same(searchTerms("   "), []);
});

t.test("likeLiteral escapes LIKE wildcards and the escape character", async (t) => {
  t.equal(likeLiteral("100%"), "100\\%");
  t.equal(likeLiteral("a_b"), "a\\_b");
  t.equal(likeLiteral("c:\\x"), "c:\\\\x");
  t.equal(likeLiteral("%_\\"), "\\%\\_\\\\");
  t.equal(likeLiteral("łódź"), "łódź", "everything else unchanged");
});
