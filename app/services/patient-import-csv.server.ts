import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvError, parse } from "csv-parse";

// Reading a patient-list (or codes) file for the import: one pass to check and hash the bytes,
// then its records, one at a time, in memory that does not grow with the file (issue 17).

/** Longer than any real patient-list row, in bytes as UTF-8: a sign of a broken or wrong file. */
export const MAX_ROW_BYTES = 64 * 1024;

/** An expected refusal: one sentence for the person importing, and nothing changed. */
export class ImportRefused extends Error {
  constructor(
    message: string,
    readonly reason: "file" | "shrink" = "file",
  ) {
    super(message);
  }
}

export interface InspectedFile {
  path: string;
  size: number;
  sha256: string;
  encoding: "utf-8" | "windows-1252";
}

/**
 * One pass over the bytes before any row is read: refuse empty and binary
 * files, take the hash, and tell UTF-8 from the Windows-1252 of older exports.
 */
export async function inspectFile(filePath: string, what: string): Promise<InspectedFile> {
  const info = await stat(filePath).catch(() => null);
  if (!info?.isFile()) throw new ImportRefused(`${what} could not be found or opened.`);
  if (info.size === 0) throw new ImportRefused(`${what} is empty.`);
  const head = Buffer.alloc(Math.min(info.size, 8192));
  const handle = await open(filePath, "r");
  await handle.read(head, 0, head.length, 0).finally(() => handle.close());
  if (head.includes(0)) throw new ImportRefused(`${what} is not a CSV text file: it contains binary data.`);

  const hash = createHash("sha256");
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let isUtf8 = true;
  for await (const chunk of createReadStream(filePath)) {
    hash.update(chunk as Buffer);
    if (isUtf8) {
      try {
        utf8.decode(chunk as Buffer, { stream: true });
      } catch {
        isUtf8 = false;
      }
    }
  }
  if (isUtf8) {
    try {
      utf8.decode();
    } catch {
      isUtf8 = false;
    }
  }
  return { path: filePath, size: info.size, sha256: hash.digest("hex"), encoding: isUtf8 ? "utf-8" : "windows-1252" };
}

/** Bytes to text, in the file's encoding, chunk by chunk. */
function decoder(encoding: InspectedFile["encoding"]): Transform {
  const text = new TextDecoder(encoding);
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      done(null, text.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, text.decode());
    },
  });
}

/** A row over MAX_ROW_BYTES; `row` counts as a spreadsheet does, empty lines aside. */
class RowTooLong extends Error {
  constructor(readonly row: number) {
    super(`row ${row} is longer than ${MAX_ROW_BYTES} bytes`);
  }
}

/** Where readRecords sends a file's rows. */
export interface RecordSink {
  /**
   * Each row, as the parser completes it (`row` counts as a spreadsheet does, the header being
   * row 1, empty lines aside). Synchronous: a row is done with before the next is parsed, so no
   * row waits in a buffer, and none outlives its turn. What it throws ends the reading.
   */
  row(record: string[], row: number): void;
  /** Called between chunks of the file, and once at the end: where work that waits is done. */
  drain(final: boolean): Promise<void>;
}

/**
 * Reads the rows of a CSV file into `sink`, turning the parser's failures (and a row too long to
 * be a patient's) into refusals naming the row. Errors the sink throws pass through as they are.
 *
 * csv-parse's max_record_size counts the characters of a row's values but not the commas between
 * them, so a line of nothing but commas (or a file with no line breaks) would grow one row, a
 * value at a time, until the process ran out of memory. So a row's size is also measured by where
 * the parser has got to in the file: as each row completes and, for a row not yet complete,
 * before every chunk of the file it is given; past MAX_ROW_BYTES the file is refused.
 *
 * Rows are taken from the parser's "data" events, which it emits as it completes each row, not
 * from its on_record option: that builds two objects of parser state for every row, which was
 * most of what the import's memory grew by.
 */
export async function readRecords(file: InspectedFile, what: string, sink: RecordSink, onBytes?: (bytes: number) => void): Promise<void> {
  let rowsParsed = 0;
  // The first failure while handling a row; once there is one, later rows are ignored.
  let failure: unknown = null;
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_ROW_BYTES });
  // Where the last row ended, and how many empty lines the parser had skipped by then.
  let rowEnd = 0;
  let emptyLinesAtRowEnd = 0;
  // The bytes the parser has read of the row it is reading: the empty lines it skipped before
  // it are left out (each is one line break, of the length the parser found the file to use),
  // so that a run of them does not make the row after it "long".
  const rowSoFar = () => {
    const lineBreak = parser.options.record_delimiter[0]?.length ?? 1;
    return parser.info.bytes - rowEnd - (parser.info.empty_lines - emptyLinesAtRowEnd) * lineBreak;
  };
  parser.on("data", (record: string[]) => {
    if (failure !== null) return;
    const size = rowSoFar();
    rowEnd = parser.info.bytes;
    emptyLinesAtRowEnd = parser.info.empty_lines;
    rowsParsed += 1;
    try {
      if (size > MAX_ROW_BYTES) throw new RowTooLong(rowsParsed);
      sink.row(record, rowsParsed);
    } catch (error) {
      // Thrown from here it would escape the parser; it ends the reading at the next chunk.
      failure = error;
    }
  });
  const gate = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (failure === null && rowSoFar() > MAX_ROW_BYTES) failure = new RowTooLong(rowsParsed + 1);
      if (failure !== null) {
        done(failure as Error);
        return;
      }
      sink.drain(false).then(() => done(null, chunk), done);
    },
  });
  const source = createReadStream(file.path);
  if (onBytes) source.on("data", (chunk) => onBytes(chunk.length));
  try {
    await pipeline(source, decoder(file.encoding), gate, parser);
    if (failure !== null) throw failure;
  } catch (error) {
    if (error instanceof RowTooLong) throw new ImportRefused(tooLong(error.row, what));
    if (error instanceof CsvError) throw new ImportRefused(explainCsvError(error, rowsParsed + 1, what));
    throw error;
  }
  await sink.drain(true);
}

const inSentence = (what: string) => what.replace(/^The /, "the ");

function tooLong(row: number, what: string): string {
  return `Row ${row} of ${inSentence(what)} is longer than ${MAX_ROW_BYTES / 1024} KB, far too long for a patient list: check it is a complete CSV export, with a line break after each row and every quote mark closed.`;
}

function explainCsvError(error: CsvError, row: number, what: string): string {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `${what} ends inside a quoted value that begins on row ${row}: check it is a complete CSV export.`;
    case "CSV_MAX_RECORD_SIZE":
      return tooLong(row, what);
    case "CSV_INVALID_CLOSING_QUOTE":
      return `Row ${row} of ${inSentence(what)} has a quote mark inside a value that is not quoted properly.`;
    default:
      return `${what} could not be read as CSV at row ${row}: ${error.message ?? "unknown problem"}.`;
  }
}
