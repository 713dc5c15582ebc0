// Contact details typed by patients or imported from the clinical system.

export const MAX_EMAIL_LENGTH = 254;

/**
 * A pragmatic check, not RFC 5322: the only real test of an address is sending to it. The local
 * part keeps its case because some mail servers treat it as significant; domains never do.
 */
export function parseEmail(input: string): { ok: true; value: string } | { ok: false } {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_EMAIL_LENGTH) return { ok: false };
  if (/\s/.test(trimmed)) return { ok: false };
  const parts = trimmed.split("@");
  if (parts.length !== 2) return { ok: false };
  const [localPart = "", domain = ""] = parts;
  if (localPart.length === 0) return { ok: false };
  // Every dot-separated label must be non-empty: rejects "a@example", "a@.com", "a@example..com".
  const labels = domain.split(".");
  if (labels.length < 2 || labels.some((label) => label.length === 0)) return { ok: false };
  return { ok: true, value: `${localPart}@${domain.toLowerCase()}` };
}

const UK_MOBILE_FORMS = [/^07([0-9]{9})$/, /^\+447([0-9]{9})$/, /^447([0-9]{9})$/] as const;

/**
 * Accepts UK mobile numbers as people write them (07700 900123, +44 7700 900123,
 * +44 (0)7700 900123, 447700900123) and returns E.164, the form SMS providers expect.
 */
export function parseUkMobile(input: string): { ok: true; value: string } | { ok: false } {
  // "+44 (0)7..." is a common written form; its bracketed 0 is a trunk prefix, not a digit to dial.
  const withoutTrunkPrefix = input.trim().replace(/^(\+?44)\s*\(0\)/, "$1");
  const compact = withoutTrunkPrefix.replace(/[\s\-()]/g, "");
  for (const form of UK_MOBILE_FORMS) {
    const match = form.exec(compact);
    if (match) return { ok: true, value: `+447${match[1]}` };
  }
  return { ok: false };
}

/**
 * The national significant number (the digits after the 0) of the UK numbers a patient may give as
 * a safe way to reach them: geographic 01 and 02, non-geographic 03 (charged as a landline), and
 * mobiles 07, all ten digits; except that a few small towns' (01xxx) codes still have five-digit
 * local numbers (the large towns' 011x and 01x1 codes never do). Freephone, premium-rate and
 * corporate ranges (08, 09, 05) are nobody's own phone.
 */
const UK_PHONE_NSN = /^(?:[1237][0-9]{9}|1[02-9][02-9][0-9]{6})$/;

/**
 * Accepts a UK landline or mobile number as people write it (0113 496 0000, (020) 7946 0000,
 * 0300-123-4567, 07700 900123, +44 (0)113 496 0000, 0044 20 7946 0000) and returns E.164,
 * "+441134960000". Spaces, brackets and hyphens are ignored; anything else is refused.
 */
export function parseUkPhone(input: string): { ok: true; value: string } | { ok: false } {
  const withoutTrunkPrefix = input.trim().replace(/^(\+44|0044|44)\s*\(0\)/, "$1");
  const compact = withoutTrunkPrefix.replace(/[\s\-()]/g, "");
  const international = /^(?:\+44|0044|44)([1-9][0-9]*)$/.exec(compact);
  const national = /^0([1-9][0-9]*)$/.exec(compact);
  const nsn = international?.[1] ?? national?.[1];
  if (nsn === undefined || !UK_PHONE_NSN.test(nsn)) return { ok: false };
  return { ok: true, value: `+44${nsn}` };
}

/**
 * A number from parseUkPhone (or parseUkMobile) as the UK writes it: "0113 496 0000",
 * "020 7946 0000", "01632 960000", "0300 123 4567", "07700 900123". Anything else is returned
 * as it came.
 */
export function formatUkPhone(e164: string): string {
  const nsn = /^\+44([0-9]+)$/.exec(e164)?.[1];
  if (nsn === undefined || !UK_PHONE_NSN.test(nsn)) return e164;
  const national = `0${nsn}`;
  const grouped = (...sizes: number[]) => {
    const parts: string[] = [];
    let at = 0;
    for (const size of sizes) {
      parts.push(national.slice(at, at + size));
      at += size;
    }
    return parts.join(" ");
  };
  if (nsn.startsWith("2")) return grouped(3, 4, 4);
  if (nsn.startsWith("3")) return grouped(4, 3, 4);
  if (nsn.startsWith("7")) return grouped(5, 6);
  // 01: the large towns' 011x and 01x1 codes have seven-digit local numbers; the rest six, or five.
  if (nsn.length === 10 && (nsn[1] === "1" || nsn[2] === "1")) return grouped(4, 3, 4);
  return nsn.length === 10 ? grouped(5, 6) : grouped(5, 5);
}
