// Printed letters (issue 8): where things go on an A4 page so that a window
// envelope shows the address, what a registration letter must carry, and the
// rows of a batch file. Pure: no I/O, no clock.

import { addDays } from "./calendar";
import { parseNhsNumber } from "./nhs-number";

/** PDF points in a millimetre. */
export const MM = 72 / 25.4;

export const A4 = { width: 210 * MM, height: 297 * MM };

/**
 * The address window shared by the common UK DL and C5 window envelopes, measured from the
 * top-left of the A4 sheet: 20 mm in, 50 mm down, 90 by 35 mm. The address is set inside it with
 * a 3 mm margin, so a sheet that shifts a little in the envelope still shows all of it.
 */
export const ADDRESS_WINDOW = { left: 20 * MM, top: 50 * MM, width: 90 * MM, height: 35 * MM };
export const WINDOW_INSET = 3 * MM;

/** Body text sizes: large print is at least 16 pt (RNIB's clear print guidance). */
export const TEXT_SIZE = { standard: 11, large: 16 } as const;

/** A registration letter's details stop working 14 days after it is issued. */
export const REGISTRATION_VALID_DAYS = 14;

export function registrationExpiry(issuedOn: string): string {
  return addDays(issuedOn, REGISTRATION_VALID_DAYS);
}

export type ClinicalSystem = "emis" | "tpp";

/** What each clinical system calls the second secret on the letter. */
export function linkageKeyName(system: ClinicalSystem): string {
  return system === "emis" ? "Linkage Key" : "Passphrase";
}

/** The longest Account ID or Linkage Key/passphrase accepted: real ones are far shorter. */
export const MAX_KEY_LENGTH = 100;

export interface RegistrationDetails {
  nhsNumber: string;
  accountId: string;
  linkageKey: string;
}

export type RegistrationField = keyof RegistrationDetails;

/**
 * One row of a registration batch (nhs_number, account_id, linkage_key), or what is wrong with
 * it, field by field. Values are trimmed; a key's inner spaces are kept (SystmOne passphrases
 * are words).
 */
export function checkRegistrationRow(row: Record<RegistrationField, string>):
  | { ok: true; details: RegistrationDetails }
  | { ok: false; problems: { field: RegistrationField; message: string }[] } {
  const problems: { field: RegistrationField; message: string }[] = [];
  const nhs = parseNhsNumber(row.nhsNumber ?? "");
  if (!nhs.ok) problems.push({ field: "nhsNumber", message: nhs.reason === "missing" ? "the NHS number is missing" : "the NHS number is not valid" });
  const accountId = (row.accountId ?? "").trim();
  const linkageKey = (row.linkageKey ?? "").trim();
  for (const [field, value, name] of [
    ["accountId", accountId, "Account ID"],
    ["linkageKey", linkageKey, "Linkage Key or passphrase"],
  ] as const) {
    if (value === "") problems.push({ field, message: `the ${name} is missing` });
    else if (value.length > MAX_KEY_LENGTH) problems.push({ field, message: `the ${name} is longer than ${MAX_KEY_LENGTH} characters` });
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(value)) problems.push({ field, message: `the ${name} contains a control character` });
  }
  if (problems.length > 0 || !nhs.ok) return { ok: false, problems };
  return { ok: true, details: { nhsNumber: nhs.value, accountId, linkageKey } };
}

export type LetterBlock =
  | { kind: "heading"; text: string }
  | { kind: "paragraph"; text: string }
  /** A line that ends in a web address: the words, and the address to print (and put in a QR code). */
  | { kind: "link"; text: string; url: string };

/**
 * A message's plain-text rendering (emails/, through react-email) as the blocks of a printed
 * letter. The practice's name above and its details below the rule are left out: the letter's
 * header carries them. A paragraph after two blank lines is a heading, as the plain text sets them.
 * An email gives its link twice (a button, then "copy this link"); a letter prints it once.
 */
export function letterBlocks(plainText: string): LetterBlock[] {
  const text = plainText.replace(/\r\n/g, "\n");
  const rule = text.search(/\n-{10,}\n/);
  const body = (rule === -1 ? text : text.slice(0, rule)).replace(/^[^\n]*\n\n/, "");
  const blocks: LetterBlock[] = [];
  const urls = new Set<string>();
  for (const [index, chunk] of body.split(/(\n{3,})/).entries()) {
    if (index % 2 === 1) continue;
    const paragraphs = chunk.split(/\n{2}/).map((p) => p.trim()).filter(Boolean);
    paragraphs.forEach((paragraph, i) => {
      const link = /^(.*?)\s*(https?:\/\/\S+)$/s.exec(paragraph);
      if (i === 0 && index > 0 && !link && !paragraph.includes("\n")) blocks.push({ kind: "heading", text: paragraph });
      else if (link) {
        if (!urls.has(link[2]!)) blocks.push({ kind: "link", text: link[1]!.replace(/\s*\n\s*/g, " ").replace(/:$/, ""), url: link[2]! });
        urls.add(link[2]!);
      }
      else blocks.push({ kind: "paragraph", text: paragraph.replace(/\s*\n\s*/g, " ") });
    });
  }
  return blocks;
}
