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
