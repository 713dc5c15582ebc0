import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Writable } from "node:stream";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import { letterContent as content } from "../content/letters";
import { A4, ADDRESS_WINDOW, MM, TEXT_SIZE, WINDOW_INSET, type LetterBlock } from "../domain/letters";

// Letters as one streamed PDF: each letter starts a new page, and pdfkit writes
// every finished page out at once, so a 10,000-letter batch never sits in
// memory (docs/decisions/0008-letters-with-pdfkit.md). Positions are absolute
// where an envelope or a reader needs them fixed, flowing elsewhere.

const require = createRequire(import.meta.url);
// Noto Sans covers Welsh (ŵ, ŷ) and every accented Latin letter; the PDF's own fonts do not.
const FONTS = {
  regular: readFileSync(require.resolve("@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf")),
  bold: readFileSync(require.resolve("@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf")),
};

const MARGIN = { left: 20 * MM, right: 20 * MM, top: 20 * MM, bottom: 17 * MM };
const CONTENT_WIDTH = A4.width - MARGIN.left - MARGIN.right;
const HEADER = { left: 120 * MM, top: 15 * MM, width: 70 * MM };
const BODY_TOP = ADDRESS_WINDOW.top + ADDRESS_WINDOW.height + 5 * MM;
const ADDRESS_SIZES = [10, 9, 8];
/** Buffered output beyond which the writer waits for the reader to catch up. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface LetterSender {
  name: string;
  addressLines: string[];
  postcode: string | null;
  phone: string | null;
  email: string | null;
  odsCode: string;
}

export interface LetterRecipient {
  /** As the envelope shows it: name, then each address line, then the postcode. */
  addressLines: string[];
  /** How the letter greets them. */
  salutationName: string;
  largePrint: boolean;
}

export interface RegistrationLetter {
  recipient: LetterRecipient;
  issuedOn: string;
  expiresOn: string;
  accountId: string;
  linkageKey: string;
  keyName: string;
}

export interface MessageLetter {
  recipient: LetterRecipient;
  date: string;
  blocks: LetterBlock[];
}

export interface LetterWriter {
  registration(letter: RegistrationLetter): Promise<void>;
  message(letter: MessageLetter): Promise<void>;
  /** Finishes the PDF; resolves once the output has taken all of it. */
  end(): Promise<void>;
  /** Pages written so far. */
  readonly pages: number;
}

export function createLetterWriter(output: Writable, options: { sender: LetterSender; total: number; title: string }): LetterWriter {
  const { sender } = options;
  const doc = new PDFDocument({
    autoFirstPage: false,
    size: "A4",
    margins: MARGIN,
    lang: "en-GB",
    displayTitle: true,
    info: { Title: options.title, Author: sender.name, Creator: "GP online access portal" },
  });
  doc.registerFont("regular", FONTS.regular);
  doc.registerFont("bold", FONTS.bold);
  const finished = new Promise<void>((resolve, reject) => {
    output.on("finish", resolve);
    output.on("close", resolve);
    output.on("error", reject);
    doc.on("error", reject);
  });
  doc.pipe(output);

  let letterNumber = 0;
  let pageOfLetter = 0;
  let pages = 0;
  let size: number = TEXT_SIZE.standard;

  // Every page carries which letter it belongs to, so pages that come apart can be put back.
  doc.on("pageAdded", () => {
    releaseWrittenPage();
    pages += 1;
    pageOfLetter += 1;
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font("regular")
      .fontSize(8)
      .fillColor("#4c6272")
      .text(content.footer(letterNumber, options.total, pageOfLetter), MARGIN.left, A4.height - 12 * MM, { width: CONTENT_WIDTH, align: "right", lineBreak: false });
    doc.page.margins.bottom = bottom;
    doc.fillColor("black").font("regular").fontSize(size);
    doc.x = MARGIN.left;
    doc.y = MARGIN.top;
  });

  function startLetter(recipient: LetterRecipient) {
    letterNumber += 1;
    pageOfLetter = 0;
    size = recipient.largePrint ? TEXT_SIZE.large : TEXT_SIZE.standard;
    doc.addPage();
    header();
    address(recipient.addressLines);
  }

  function header() {
    const lines = [
      ...sender.addressLines,
      ...(sender.postcode ? [sender.postcode] : []),
      ...(sender.phone ? [content.phone(sender.phone)] : []),
      ...(sender.email ? [content.email(sender.email)] : []),
      content.practiceOds(sender.odsCode),
    ];
    // Large print enlarges what the patient reads and contacts, not the envelope address.
    const large = size === TEXT_SIZE.large;
    doc.font("bold").fontSize(large ? 16 : 11).text(sender.name, HEADER.left, HEADER.top, { width: HEADER.width });
    doc.font("regular").fontSize(large ? 14 : 9).text(lines.join("\n"), { width: HEADER.width });
  }

  /**
   * The address, inside the envelope window whatever its length: smaller type before it would
   * spill, and at the smallest size each line on one line of its own, shortened if it must be, so
   * that the postcode (the last line, and what the post is sorted by) is never lost.
   */
  function address(lines: string[]) {
    const left = ADDRESS_WINDOW.left + WINDOW_INSET;
    const top = ADDRESS_WINDOW.top + WINDOW_INSET;
    const width = ADDRESS_WINDOW.width - 2 * WINDOW_INSET;
    const height = ADDRESS_WINDOW.height - 2 * WINDOW_INSET;
    const text = lines.join("\n");
    doc.font("regular");
    const fits = ADDRESS_SIZES.find((s) => doc.fontSize(s).heightOfString(text, { width }) <= height);
    if (fits !== undefined) {
      doc.fontSize(fits).text(text, left, top, { width });
      return;
    }
    const smallest = ADDRESS_SIZES.at(-1)!;
    doc.fontSize(smallest);
    const lineHeight = doc.currentLineHeight(true);
    lines.forEach((line, i) => {
      doc.text(line, left, top + i * lineHeight, { width, height: lineHeight, lineBreak: false, ellipsis: true });
    });
  }

  function dateLine(day: string) {
    doc.font("regular").fontSize(size).text(content.date(day), HEADER.left, ADDRESS_WINDOW.top + ADDRESS_WINDOW.height - 6 * MM, { width: HEADER.width });
    doc.x = MARGIN.left;
    doc.y = BODY_TOP;
  }

  const gap = () => size * 0.5;

  function heading(text: string, scale = 1.25) {
    keepRoomFor(size * scale * 3);
    doc.font("bold").fontSize(size * scale).text(text, MARGIN.left, doc.y, { width: CONTENT_WIDTH, paragraphGap: gap() });
    doc.font("regular").fontSize(size);
  }

  function paragraph(text: string) {
    doc.font("regular").fontSize(size).text(text, MARGIN.left, doc.y, { width: CONTENT_WIDTH, paragraphGap: gap(), lineGap: size * 0.15 });
  }

  /** Starts a new page unless `height` points are left on this one: a box or a list item never splits. */
  function keepRoomFor(height: number) {
    if (doc.y + height > A4.height - MARGIN.bottom) doc.addPage();
  }

  /** Label and value side by side in a ruled box: the details a patient copies into the app. */
  function detailsBox(caption: string, rows: [string, string][]) {
    const padding = 4 * MM;
    const inner = CONTENT_WIDTH - 2 * padding;
    const labelWidth = inner * 0.45;
    const valueWidth = inner - labelWidth;
    const rowHeight = ([label, value]: [string, string]) => {
      const labelHeight = doc.font("regular").fontSize(size).heightOfString(label, { width: labelWidth });
      const valueHeight = doc.font("bold").fontSize(size * 1.25).heightOfString(value, { width: valueWidth });
      return Math.max(labelHeight, valueHeight) + size * 0.4;
    };
    const captionHeight = doc.font("bold").fontSize(size).heightOfString(caption, { width: inner }) + size * 0.4;
    const height = captionHeight + rows.reduce((sum, row) => sum + rowHeight(row), 0) + 2 * padding;
    keepRoomFor(height);
    const top = doc.y;
    doc.lineWidth(1.5).rect(MARGIN.left, top, CONTENT_WIDTH, height).stroke();
    doc.font("bold").fontSize(size).text(caption, MARGIN.left + padding, top + padding, { width: inner });
    let y = top + padding + captionHeight;
    for (const row of rows) {
      const [label, value] = row;
      doc.font("regular").fontSize(size).text(label, MARGIN.left + padding, y + size * 0.2, { width: labelWidth });
      doc.font("bold").fontSize(size * 1.25).text(value, MARGIN.left + padding + labelWidth, y, { width: valueWidth });
      y += rowHeight(row);
    }
    doc.font("regular").fontSize(size);
    doc.x = MARGIN.left;
    doc.y = top + height + gap();
  }

  function numbered(items: string[]) {
    const indent = size * 1.8;
    items.forEach((item, i) => {
      doc.font("regular").fontSize(size);
      keepRoomFor(doc.heightOfString(item, { width: CONTENT_WIDTH - indent }));
      const top = doc.y;
      doc.text(`${i + 1}.`, MARGIN.left, top, { width: indent, lineBreak: false });
      doc.text(item, MARGIN.left + indent, top, { width: CONTENT_WIDTH - indent, paragraphGap: gap() * 0.6, lineGap: size * 0.15 });
    });
    doc.y += gap() * 0.4;
  }

  function link(text: string, url: string) {
    const qrSize = 28 * MM;
    paragraph(text);
    doc.font("bold").fontSize(size).text(url, MARGIN.left, doc.y, { width: CONTENT_WIDTH, paragraphGap: gap() });
    doc.font("regular");
    keepRoomFor(qrSize + size * 2);
    paragraph(content.linkQr);
    qrCode(url, MARGIN.left, doc.y, qrSize);
    doc.y += qrSize + gap();
  }

  /** A QR code drawn as squares: sharp at any printer resolution. */
  function qrCode(text: string, x: number, y: number, side: number) {
    const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
    const quiet = 2;
    const cell = side / (modules.size + 2 * quiet);
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) {
        if (modules.get(row, col)) doc.rect(x + (col + quiet) * cell, y + (row + quiet) * cell, cell, cell);
      }
    }
    doc.fillColor("black").fill();
  }

  /**
   * The page tree must list every page, but only by object number: once pdfkit has written the
   * page before this one (it does as each new page starts), its dictionary's contents, and the
   * content and resources they point to, need not stay in memory. pdfkit's own fields.
   */
  function releaseWrittenPage() {
    const kids = (doc as unknown as { _root: { data: { Pages: { data: { Kids: { data: object }[] } } } } })._root.data.Pages.data.Kids;
    const written = kids.at(-2);
    if (written) written.data = {};
  }

  /**
   * pdfkit caches the shaping of every word it has set, for ever: with a name, an address and keys
   * on each letter that grows with the batch. Dropped every so often (pdfkit's own fields; checked
   * by the letters benchmark, which prints memory at two batch sizes).
   */
  function forgetWordShapes() {
    const fonts = (doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: Record<string, unknown> }> })._fontFamilies ?? {};
    for (const font of Object.values(fonts)) if (font.layoutCache) font.layoutCache = Object.create(null) as Record<string, unknown>;
  }

  async function drained() {
    if (letterNumber % 50 === 0) forgetWordShapes();
    while (doc.readableLength > MAX_BUFFERED_BYTES) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  return {
    get pages() {
      return pages;
    },

    async registration(letter) {
      const r = content.registration;
      startLetter(letter.recipient);
      dateLine(letter.issuedOn);
      paragraph(content.dear(letter.recipient.salutationName));
      heading(r.heading);
      paragraph(r.intro);
      detailsBox(r.detailsCaption, [
        [r.odsCode, sender.odsCode],
        [r.accountId, letter.accountId],
        [letter.keyName, letter.linkageKey],
      ]);
      paragraph(`${r.keyNote(letter.keyName)} ${r.keepSafe}`);
      paragraph(r.validity(letter.issuedOn, letter.expiresOn));
      heading(r.stepsHeading, 1.1);
      numbered(r.steps(letter.keyName));
      paragraph(r.notYou(sender.phone));
      paragraph(content.yoursSincerely);
      paragraph(sender.name);
      await drained();
    },

    async message(letter) {
      startLetter(letter.recipient);
      dateLine(letter.date);
      for (const block of letter.blocks) {
        if (block.kind === "heading") heading(block.text, 1.1);
        else if (block.kind === "link") link(block.text, block.url);
        else paragraph(block.text);
      }
      paragraph(content.yoursSincerely);
      paragraph(sender.name);
      await drained();
    },

    async end() {
      doc.end();
      await finished;
    },
  };
}
