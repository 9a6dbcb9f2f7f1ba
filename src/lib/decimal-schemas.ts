import { z } from "zod";

/** Amounts and scores: decimals carried as strings, so that they never round through binary floating point. */

/** Money (Stripe-like, but decimal): `{ "amount": "99.50", "currency": "PLN" }`; the amount is a string so it never rounds. */
export const Money = z
  .strictObject({
    // The document states the rule on each branch (`.meta` only: the refine below is what the server checks).
    amount: z
      .union([z.string().max(40).meta({ pattern: "^\\s*\\d{1,14}(\\.\\d{1,2})?\\s*$" }), z.number().meta({ minimum: 0, maximum: 99_999_999_999_999.99, multipleOf: 0.01 })])
      .transform((value) => (typeof value === "number" ? String(value) : value.trim()))
      .refine((value) => /^\d{1,14}(\.\d{1,2})?$/.test(value), "must be a non-negative decimal with at most 2 decimal places, e.g. \"125000.00\"")
      .transform((value) => normalizeDecimal(value, 2)),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 currency code such as PLN or EUR")
      .meta({ maxLength: 3 })
      .default("PLN"),
  })
  .meta({ id: "Money", example: { amount: "125000.00", currency: "PLN" } });

/** Fixed-point text with exactly `scale` decimals, without going through binary floating point. */
export function normalizeDecimal(value: string, scale: number): string {
  const [whole = "0", fraction = ""] = value.split(".");
  return scale === 0 ? whole.replace(/^0+(?=\d)/, "") : `${whole.replace(/^0+(?=\d)/, "")}.${fraction.padEnd(scale, "0")}`;
}

/** A decimal such as a score (99.5 points): sent as a string or a JSON number, stored as numeric, returned as a string. */
export const Decimal = (options: { integerDigits: number; scale: number; example: string }) =>
  z
    .union([
      z.string().max(40).meta({ pattern: `^\\s*\\d{1,${options.integerDigits}}(\\.\\d{1,${options.scale}})?\\s*$` }),
      z.number().meta({ minimum: 0, maximum: 10 ** options.integerDigits - 10 ** -options.scale, multipleOf: 10 ** -options.scale }),
    ])
    .transform((value) => (typeof value === "number" ? String(value) : value.trim()))
    .refine(
      (value) => new RegExp(`^\\d{1,${options.integerDigits}}(\\.\\d{1,${options.scale}})?$`).test(value),
      `must be a non-negative decimal with at most ${options.integerDigits} digits before and ${options.scale} after the point, e.g. "${options.example}"`,
    )
    .meta({ example: options.example });
