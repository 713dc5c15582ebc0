// What staff type into a search box, read as what they meant: an NHS number,
// a request reference, or a name with perhaps a date of birth ("Smith
// 14/03/1950"). One box, because a receptionist on the phone types whatever
// the caller gives first.

import { formatIsoDay, parseIsoDay } from "./calendar";
import { normaliseName } from "./identity-match";
import { isRequestReference } from "./request-forms";

export const MAX_SEARCH_LENGTH = 100;
const MAX_NAME_WORDS = 4;

export type StaffSearch =
  | { kind: "nhs-number"; digits: string }
  | { kind: "reference"; reference: string }
  /**
   * Each word (normalised as normaliseName does: no case, accents or punctuation) starts the
   * given or the family name; the date, when given, is the date of birth.
   */
  | { kind: "name"; words: string[]; dateOfBirth: string | null };

export type StaffSearchProblem = "empty" | "too-long" | "digits" | "date" | "no-name";

/** A day written DD/MM/YYYY, D-M-YYYY or YYYY-MM-DD, or null. */
function readDay(word: string): string | null | "invalid" {
  const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(word);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(word);
  if (!uk && !iso) return null;
  const [year, month, day] = uk ? [uk[3], uk[2], uk[1]] : [iso![1], iso![2], iso![3]];
  const text = formatIsoDay({ year: Number(year), month: Number(month), day: Number(day) });
  return parseIsoDay(text) ? text : "invalid";
}

export function parseStaffSearch(input: string): { ok: true; search: StaffSearch } | { ok: false; problem: StaffSearchProblem } {
  const text = input.trim();
  if (text === "") return { ok: false, problem: "empty" };
  if (text.length > MAX_SEARCH_LENGTH) return { ok: false, problem: "too-long" };
  if (isRequestReference(text.toUpperCase())) return { ok: true, search: { kind: "reference", reference: text.toUpperCase() } };
  const compact = text.replace(/[\s-]/g, "");
  if (/^\d+$/.test(compact)) {
    return compact.length === 10 ? { ok: true, search: { kind: "nhs-number", digits: compact } } : { ok: false, problem: "digits" };
  }
  let dateOfBirth: string | null = null;
  const words: string[] = [];
  for (const word of text.split(/[\s,]+/)) {
    const day = readDay(word);
    if (day === "invalid") return { ok: false, problem: "date" };
    if (day !== null) {
      dateOfBirth = day;
      continue;
    }
    // Each part of a double-barrelled name is a word of its own: "O'Brien-Smith" finds "Smith".
    for (const part of word.split("-")) {
      const name = normaliseName(part);
      if (name !== "") words.push(name);
    }
  }
  if (words.length === 0) return { ok: false, problem: "no-name" };
  return { ok: true, search: { kind: "name", words: words.slice(0, MAX_NAME_WORDS), dateOfBirth } };
}
