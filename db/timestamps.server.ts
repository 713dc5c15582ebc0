/**
 * A timestamp from a row read with the plain postgres.js client. drizzle's
 * postgres-js driver switches that client's date parsing off (it parses dates
 * itself), so raw rows hold PostgreSQL's text ("2026-11-19 14:05:00.1+00").
 */
export function instant(value: Date | string): Date {
  if (value instanceof Date) return value;
  const parsed = new Date(value.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00"));
  if (Number.isNaN(parsed.getTime())) throw new RangeError(`Not a timestamp: ${JSON.stringify(value)}`);
  return parsed;
}

export function instantOrNull(value: Date | string | null): Date | null {
  return value === null ? null : instant(value);
}
