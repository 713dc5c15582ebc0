// NCSC password guidance: length over complexity, no composition rules, and
// refuse passwords that appear on breached or common-password lists or that
// are built from obvious context (the practice's name, the person's email).

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export interface PasswordContext {
  /** Lower-cased common and breached passwords. */
  commonPasswords: ReadonlySet<string>;
  /** Words a guesser would try first: practice names, the person's email. */
  contextWords: readonly string[];
}

export type PasswordProblem = "too-short" | "too-long" | "common" | "context";

export function checkPassword(password: string, context: PasswordContext): PasswordProblem | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return "too-short";
  if (length > MAX_PASSWORD_LENGTH) return "too-long";
  const folded = fold(password);
  if (context.commonPasswords.has(password.toLowerCase()) || context.commonPasswords.has(stripDigitsAndSymbols(folded))) {
    return "common";
  }
  const letters = stripDigitsAndSymbols(folded);
  for (const word of context.contextWords.flatMap(contextTokens)) {
    // A password that is mostly the context word is as weak as the word.
    if (letters.includes(word) && word.length * 2 >= letters.length) return "context";
  }
  return null;
}

function fold(text: string): string {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function stripDigitsAndSymbols(text: string): string {
  return text.replace(/[^a-z]/g, "");
}

function contextTokens(word: string): string[] {
  const folded = fold(word);
  const whole = stripDigitsAndSymbols(folded.split("@")[0]!);
  const parts = folded.split(/[^a-z]+/).filter((p) => p.length >= 4);
  return [whole, ...parts].filter((p) => p.length >= 4);
}
