import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";
/** A PDF that can be written to a stream: a batch of letters, or the letter to the commissioner. */
export interface PdfToWrite {
  fileName: string;
  write(output: PassThrough): Promise<unknown>;
}

/**
 * The letters as a PDF download, streamed as they are written. Never cached: registration letters
 * carry keys. If writing fails part-way the download is cut off, so it cannot pass for whole.
 */
export function pdfDownload(letters: PdfToWrite): Response {
  const body = new PassThrough();
  letters.write(body).catch((error: unknown) => {
    console.error(`${letters.fileName} could not be written:`, error);
    body.destroy(error as Error);
  });
  return new Response(createReadableStreamFromReadable(body), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${letters.fileName.replace(/[^\w.-]/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}
