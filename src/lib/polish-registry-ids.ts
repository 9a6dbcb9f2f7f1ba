/**
 * Polish registry numbers. NIP (tax id) and REGON (statistical id) carry a check digit; KRS (court register)
 * is a plain 10-digit number. Inputs may contain spaces or hyphens ("584-025-37-40"); NIP may start with "PL".
 */

const digits = (value: string) => value.split("").map(Number);

const weightedSum = (values: number[], weights: number[]) => weights.reduce((sum, weight, i) => sum + weight * (values[i] ?? 0), 0);

export const normalizeRegistryId = (value: string) => value.replace(/[\s-]/g, "").replace(/^PL/i, "");

export function isValidNip(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  const d = digits(value);
  const check = weightedSum(d, [6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
  return check !== 10 && check === d[9];
}

export function isValidRegon(value: string): boolean {
  if (/^\d{9}$/.test(value)) {
    const d = digits(value);
    return (weightedSum(d, [8, 9, 2, 3, 4, 5, 6, 7]) % 11) % 10 === d[8];
  }
  if (/^\d{14}$/.test(value)) {
    const d = digits(value);
    return isValidRegon(value.slice(0, 9)) && (weightedSum(d, [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8]) % 11) % 10 === d[13];
  }
  return false;
}

export const isValidKrs = (value: string) => /^\d{10}$/.test(value);
