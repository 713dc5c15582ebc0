import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import {
  MaxPartSizeExceededError,
  NodeOnDiskFile,
  unstable_composeUploadHandlers as composeUploadHandlers,
  unstable_createFileUploadHandler as createFileUploadHandler,
  unstable_createMemoryUploadHandler as createMemoryUploadHandler,
  unstable_parseMultipartFormData as parseMultipartFormData,
  type UploadHandler,
} from "@remix-run/node";
import { FORM_BYTES } from "./body-limits";

export interface UploadedFile {
  /** Where the upload was written: a random name in the upload directory. */
  filePath: string;
  /** The name it had on the sender's computer (only for showing and recording). */
  fileName: string;
  size: number;
}

export type ReceivedUpload =
  | {
      ok: true;
      /** The form's text fields. */
      fields: FormData;
      /** The file, or null when none was chosen. */
      file: UploadedFile | null;
    }
  | { ok: false; problem: UploadProblem };

/** Too large, or not a multipart form that can be read (no boundary, cut short, a malformed part). */
export type UploadProblem = "too-large" | "not-multipart";

const MAX_FILE_NAME = 255;

/** What a failed parse tells the sender; anything else (a full disk) is the portal's own fault and stays a 500. */
function uploadProblemOf(error: unknown): UploadProblem | null {
  if (error instanceof MaxPartSizeExceededError) return "too-large";
  // Remix's parser says TypeError for a body that is not multipart at all, and
  // "malformed …" for one that is broken or cut short.
  if (error instanceof TypeError || (error instanceof Error && /^malformed /i.test(error.message))) return "not-multipart";
  return null;
}

/**
 * The form's text fields, a form's worth in all (FORM_BYTES), as text. Any
 * other file is read and dropped as it arrives: left unread, the parser would
 * hold the whole of it in memory.
 */
function textFieldsAndNothingElse(): UploadHandler {
  let left = FORM_BYTES;
  return async ({ name, filename, data }) => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of data) {
      if (filename !== undefined) continue;
      left -= chunk.byteLength;
      if (left < 0) throw new MaxPartSizeExceededError(name, FORM_BYTES);
      chunks.push(chunk);
    }
    return filename === undefined ? Buffer.concat(chunks).toString("utf8") : undefined;
  };
}

/**
 * Reads a multipart form whose one file field is streamed straight to disk
 * (never held in memory), under a random name. Other fields are kept in
 * memory, and any other file is ignored. A file over `maxBytes` is removed as
 * soon as it passes the limit. A body that cannot be read as a multipart form
 * is a problem for the sender to put right, never an error.
 */
export async function receiveFileUpload(
  request: Request,
  options: { field: string; directory: string; maxBytes: number },
): Promise<ReceivedUpload> {
  // Stored name → the name on the sender's computer.
  const originalNames = new Map<string, string>();
  const toDisk = createFileUploadHandler({
    directory: options.directory,
    maxPartSize: options.maxBytes,
    avoidFileConflicts: false,
    filter: ({ name }) => name === options.field,
    file: ({ filename }) => {
      const stored = `${randomBytes(16).toString("hex")}.csv`;
      // Browsers send a '"' in a file's name as %22 (the HTML standard's multipart/form-data).
      originalNames.set(stored, filename.replace(/%22/g, '"').slice(0, MAX_FILE_NAME));
      return stored;
    },
  });
  let fields: FormData;
  try {
    fields = await parseMultipartFormData(request, composeUploadHandlers(toDisk, textFieldsAndNothingElse()));
  } catch (error) {
    // Whatever was written before the failure is of no use now.
    await Promise.all([...originalNames.keys()].map((stored) => rm(path.resolve(options.directory, stored), { force: true })));
    const problem = uploadProblemOf(error);
    if (problem) return { ok: false, problem };
    throw error;
  }
  const value = fields.get(options.field);
  fields.delete(options.field);
  if (!(value instanceof NodeOnDiskFile)) return { ok: true, fields, file: null };
  const filePath = value.getFilePath();
  return { ok: true, fields, file: { filePath, fileName: originalNames.get(value.name) ?? value.name, size: value.size } };
}

/** Removes an upload that will not be used (the form had other errors). */
export async function discardUpload(file: UploadedFile | null): Promise<void> {
  if (file) await rm(file.filePath, { force: true });
}

export type ReceivedText = { ok: true; fields: FormData; text: string | null } | { ok: false; problem: UploadProblem };

/**
 * Reads a multipart form whose one small file is kept in memory and never written to disk: for a
 * file of secrets (registration keys) that must not outlive the request.
 */
export async function receiveSmallTextUpload(request: Request, options: { field: string; maxBytes: number }): Promise<ReceivedText> {
  const handler = createMemoryUploadHandler({ maxPartSize: options.maxBytes });
  let fields: FormData;
  try {
    fields = await parseMultipartFormData(request, handler);
  } catch (error) {
    const problem = uploadProblemOf(error);
    if (problem) return { ok: false, problem };
    throw error;
  }
  const value = fields.get(options.field);
  fields.delete(options.field);
  if (!value || typeof value === "string" || value.size === 0) return { ok: true, fields, text: null };
  return { ok: true, fields, text: await value.text() };
}
