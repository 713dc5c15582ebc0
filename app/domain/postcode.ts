// UK postcodes: an outward code (area + district) and a three-character inward code.

// Outward A9, A99, AA9, AA99, A9A or AA9A, then inward 9AA; GIR 0AA is the one historic exception.
const UK_POSTCODE = /^(?:[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}|GIR 0AA)$/;

/** Uppercase with one space before the inward code, however the postcode was typed. */
export function normalisePostcode(input: string): string {
  const compact = input.toUpperCase().replace(/\s+/g, "");
  if (compact.length <= 3) return compact;
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

export function parsePostcode(input: string): { ok: true; value: string } | { ok: false } {
  const value = normalisePostcode(input);
  return UK_POSTCODE.test(value) ? { ok: true, value } : { ok: false };
}
