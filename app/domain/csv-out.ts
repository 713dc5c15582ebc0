// CSV that staff open in a spreadsheet: RFC 4180, and safe to open. A cell
// that starts with =, +, -, @, tab or carriage return is one a spreadsheet may
// run as a formula (OWASP "CSV injection"), so it gains a leading single quote
// and is shown as the text it is.

export type CsvValue = string | number | null | undefined;

const FORMULA_TRIGGERS: readonly string[] = ["=", "+", "-", "@", "\t", "\r"];

/** True when a spreadsheet could read the text as a formula. */
export function startsLikeFormula(text: string): boolean {
  return FORMULA_TRIGGERS.some((trigger) => text.startsWith(trigger));
}

/** One cell: neutralised if it looks like a formula, then quoted if it holds a quote, comma or line break. */
export function csvCell(value: CsvValue): string {
  const raw = value === null || value === undefined ? "" : String(value);
  const text = startsLikeFormula(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, without its line ending. */
export function csvRecord(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(",");
}

/** A whole document: the header, then the rows, each record ending CRLF as RFC 4180 asks. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const lines = [csvRecord(header)];
  for (const row of rows) lines.push(csvRecord(row));
  return `${lines.join("\r\n")}\r\n`;
}
