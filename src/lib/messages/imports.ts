import type { Language } from "../i18n.ts";
import { fieldMessage } from "./fields.ts";

/**
 * Why an import row is rejected, in English and Polish. A row's issue is stored with its rule and its English
 * message; it is written in the language of whoever reads the report: these rules from here, a field's validation
 * message (the schemas' own English sentence) through the field phrasebook.
 */
export type RowRule = "keyMissing" | "notFound" | "ambiguousKey" | "conflict" | "invalid" | "referenceMissing";

const RULES: Record<Language, Partial<Record<RowRule, (keys: string) => string>>> = {
  en: {
    keyMissing: (keys) => `needs a key: ${keys}`,
    notFound: () => "names no existing record",
    ambiguousKey: () => "matches more than one record",
    conflict: () => "another record already has this value",
  },
  pl: {
    keyMissing: (keys) => `wymaga klucza: ${keys}`,
    notFound: () => "nie wskazuje istniejącego rekordu",
    ambiguousKey: () => "pasuje do więcej niż jednego rekordu",
    conflict: () => "inny rekord ma już tę wartość",
  },
};

export type RowIssue = { column: string | null; rule: RowRule; message: string; keys?: string };

/** The issue's message in `language`. */
export function rowIssueMessage(issue: RowIssue, language: Language): string {
  const rule = RULES[language][issue.rule];
  return rule ? rule(issue.keys ?? "") : fieldMessage(issue.message, language);
}

/** The English message of a rule of ours (stored with the issue). */
export const rowRuleMessage = (rule: RowRule, keys = "") => RULES.en[rule]?.(keys) ?? rule;
