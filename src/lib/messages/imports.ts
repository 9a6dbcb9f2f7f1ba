import type { Language } from "../i18n.ts";
import { fieldMessage } from "./fields.ts";

/**
 * Why an import row is rejected. A row's issue is stored with its rule and its English message (ours below, or a
 * field's validation message from its schema) and written in the language of whoever reads the report through the
 * field phrasebook (lib/messages/fields.ts), which has the Polish of both.
 */
export type RowRule = "keyMissing" | "notFound" | "ambiguousKey" | "conflict" | "invalid" | "referenceMissing";

const RULES: Partial<Record<RowRule, (keys: string) => string>> = {
  keyMissing: (keys) => `needs a key: ${keys}`,
  notFound: () => "names no existing record",
  ambiguousKey: () => "matches more than one record",
  conflict: () => "another record already has this value",
};

export type RowIssue = { column: string | null; rule: RowRule; message: string; keys?: string };

/** The issue's message in `language`. */
export const rowIssueMessage = (issue: RowIssue, language: Language): string => fieldMessage(issue.message, language);

/** The English message of a rule of ours (stored with the issue). */
export const rowRuleMessage = (rule: RowRule, keys = "") => RULES[rule]?.(keys) ?? rule;
