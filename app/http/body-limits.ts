// How large a request body each page accepts, in one table. server/app.ts
// refuses a larger body before reading any of it (413), and the upload pages
// state and enforce the same figures, so the words and the limit cannot drift
// apart. Pure: the content modules read it to word their hints.

const KB = 1024;
const MB = 1024 * KB;

/** Every posted form: far more than any form here needs, small enough to hold in memory. */
export const FORM_BYTES = 64 * KB;

/** The pages that take a file, and the largest file each states and accepts. */
export const UPLOADS = {
  patientList: { path: /^\/staff\/import$/i, fileBytes: 256 * MB },
  // The form posts to the .pdf route, which sends the same POST back (307) to the page.
  registrationKeys: { path: /^\/staff\/letters\/registration(\.pdf)?$/i, fileBytes: 2 * MB },
} as const satisfies Record<string, { path: RegExp; fileBytes: number }>;

export interface BodyLimit {
  /** The most bytes the whole body may have. */
  maxBytes: number;
  /** The limit as the page states it: "256 MB". */
  inWords: string;
  /** Only upload pages take multipart bodies; every other form is url-encoded. */
  multipart: boolean;
}

/** The limit for a request path, including Remix's data requests for the same page (`/staff/import.data`). */
export function bodyLimitFor(pathname: string): BodyLimit {
  const page = pagePathOf(pathname);
  for (const upload of Object.values(UPLOADS)) {
    // The file, plus a form's worth for the other fields and the multipart framing.
    if (upload.path.test(page)) return { maxBytes: upload.fileBytes + FORM_BYTES, inWords: inWords(upload.fileBytes), multipart: true };
  }
  return { maxBytes: FORM_BYTES, inWords: inWords(FORM_BYTES), multipart: false };
}

/** "256 MB", "64 KB": whole units, as people read file sizes. */
export function inWords(bytes: number): string {
  if (bytes >= MB && bytes % MB === 0) return `${bytes / MB} MB`;
  if (bytes >= KB && bytes % KB === 0) return `${bytes / KB} KB`;
  return `${bytes} bytes`;
}

/** The page a path belongs to: Remix's data requests ("/staff/import.data", "/_root.data") name their page. */
export function pagePathOf(pathname: string): string {
  // Remix single fetch posts a page's form to "<page>.data" ("/_root.data" for "/").
  const page = pathname === "/_root.data" ? "/" : pathname.replace(/\.data$/, "");
  return page.length > 1 ? page.replace(/\/+$/, "") : page;
}
