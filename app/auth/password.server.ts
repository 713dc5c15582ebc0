import argon2 from "argon2";
import { dictionary } from "@zxcvbn-ts/language-common";
import { checkPassword, type PasswordProblem } from "../domain/password-policy";

// argon2id with the library's defaults (64 MiB, 3 passes), above OWASP's
// minimum for interactive sign-in.
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password. With no stored hash (no such account) it still does
 * the same work against a dummy hash, so timing does not reveal accounts.
 */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  dummyHash ??= hashPassword("no account has this password");
  const hash = storedHash ?? (await dummyHash);
  try {
    const ok = await argon2.verify(hash, password);
    return ok && storedHash !== null;
  } catch {
    return false;
  }
}

const commonPasswords: ReadonlySet<string> = new Set(
  (dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()),
);

export function passwordProblem(password: string, contextWords: string[]): PasswordProblem | null {
  return checkPassword(password, { commonPasswords, contextWords: [...contextWords, "password", "practice", "surgery"] });
}
