import type { NextFunction, Request, Response } from "express";
import { httpEdgeContent } from "../content/http-edge";
import { bodyLimitFor, pagePathOf } from "./body-limits";

// Request bodies are refused at the door (server/app.ts, before Remix), from
// their headers alone: nothing of a refused body is read, held or written.

/** Methods that carry a form; Remix sends them to a route's action. */
const FORM_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Express middleware: 413 for a body larger than its page takes (bodyLimitFor),
 * 411 for a body that does not say its length, 400 for a body that is not a
 * form this page reads.
 */
export function refuseOddBodies(req: Request, res: Response, next: NextFunction): void {
  const type = mediaTypeOf(req.headers["content-type"]);
  const pageLimit = bodyLimitFor(req.path);
  // Only a multipart body carries a file: anything else sent to an upload page is held to a form's limit.
  const limit = pageLimit.multipart && type !== "multipart/form-data" ? bodyLimitFor("/") : pageLimit;
  const declared = req.headers["content-length"];
  // A body sent in chunks has no length to check until it has all arrived.
  // Browsers give the length of every form and file they send, so such a body
  // is refused (411) rather than counted as it streams: counting would mean
  // reading it in, and wrapping the stream Remix reads, to refuse what no
  // page of the portal ever sends.
  if (declared === undefined && req.headers["transfer-encoding"] !== undefined) {
    return refuse(res, 411, httpEdgeContent.noLength.title, httpEdgeContent.noLength.body, pagePathOf(req.path));
  }
  // Node's parser holds a body to its Content-Length, so a body cannot be longer than it says.
  if (declared !== undefined && Number(declared) > limit.maxBytes) {
    return refuse(res, 413, httpEdgeContent.tooLarge.title, httpEdgeContent.tooLarge.body(limit.inWords), pagePathOf(req.path));
  }
  if (FORM_METHODS.has(req.method) && !isFormType(type, pageLimit.multipart)) {
    return refuse(res, 400, httpEdgeContent.notAForm.title, httpEdgeContent.notAForm.body, pagePathOf(req.path));
  }
  next();
}

/** "multipart/form-data" from "Multipart/Form-Data; boundary=…": media types ignore case. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The pages' own forms: url-encoded, or multipart on a page that takes a file. */
function isFormType(type: string, multipart: boolean): boolean {
  return type === "application/x-www-form-urlencoded" || (multipart && type === "multipart/form-data");
}

function refuse(res: Response, status: number, title: string, body: string, backTo: string): void {
  // "Connection: close": once this answer is written the connection ends, so
  // the unread body is never read into the process.
  res
    .status(status)
    .set({ "Cache-Control": "no-store", Connection: "close", "Content-Type": "text/html; charset=utf-8" })
    .send(page(title, body, backTo));
}

/** Plain HTML that needs nothing else from the server; the words are the portal's own, the one link the page that was sent. */
function page(title: string, body: string, backTo: string): string {
  return `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body>
<main>
<h1>${title}</h1>
<p>${body}</p>
<p><a href="${escapeHtml(backTo)}">${httpEdgeContent.backToPage}</a></p>
</main>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
