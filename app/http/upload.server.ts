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
} from "@remix-run/node";

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
  | { ok: false; problem: "too-large" | "not-multipart" };

const MAX_FILE_NAME = 255;

/**
 * Reads a multipart form whose one file field is streamed straight to disk
 * (never held in memory), under a random name. Other fields are kept in
 * memory, and any other file is ignored. A file over `maxBytes` is removed as
 * soon as it passes the limit.
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
      originalNames.set(stored, filename.slice(0, MAX_FILE_NAME));
      return stored;
    },
  });
  // Text fields only: a file in a field other than the expected one is dropped.
  const inMemory = createMemoryUploadHandler({ maxPartSize: 64 * 1024, filter: ({ filename }) => !filename });
  let fields: FormData;
  try {
    fields = await parseMultipartFormData(request, composeUploadHandlers(toDisk, inMemory));
  } catch (error) {
    // Whatever was written before the failure is of no use now.
    await Promise.all([...originalNames.keys()].map((stored) => rm(path.resolve(options.directory, stored), { force: true })));
    if (error instanceof MaxPartSizeExceededError) return { ok: false, problem: "too-large" };
    if (error instanceof TypeError) return { ok: false, problem: "not-multipart" };
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

export type ReceivedText = { ok: true; fields: FormData; text: string | null } | { ok: false; problem: "too-large" | "not-multipart" };

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
    if (error instanceof MaxPartSizeExceededError) return { ok: false, problem: "too-large" };
    if (error instanceof TypeError) return { ok: false, problem: "not-multipart" };
    throw error;
  }
  const value = fields.get(options.field);
  fields.delete(options.field);
  if (!value || typeof value === "string" || value.size === 0) return { ok: true, fields, text: null };
  return { ok: true, fields, text: await value.text() };
}
