/**
 * HTML text escaping for documents the service renders. Every stored text goes through `escapeHtml` and is placed in
 * element content or a double-quoted attribute only, never in a script, style or URL context.
 */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes `& < > " '`, so the text is inert in element content and in quoted attribute values. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);

/**
 * Stored text in element content, isolated from its surroundings: `<bdi>` keeps a right-to-left name (or a stray
 * U+202E override in one) from reordering the labels and punctuation around it.
 */
export const isolatedText = (text: string) => `<bdi>${escapeHtml(text)}</bdi>`;
