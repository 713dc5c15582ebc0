import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

// Reads a PDF back as a reader would: each page's text, and where each piece of
// it sits (PDF points from the top-left, as the letters are laid out) and how big.

export interface PdfTextItem {
  text: string;
  x: number;
  top: number;
  size: number;
}

export interface PdfPage {
  text: string;
  items: PdfTextItem[];
}

export async function readPdf(data: Uint8Array): Promise<PdfPage[]> {
  const pdf = await getDocument({ data, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  const pages: PdfPage[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const height = page.getViewport({ scale: 1 }).height;
    const content = await page.getTextContent();
    const items: PdfTextItem[] = [];
    let text = "";
    for (const item of content.items) {
      if (!("str" in item)) continue;
      const [, , , d, e, f] = item.transform as number[];
      if (item.str.trim() !== "") items.push({ text: item.str, x: e!, top: height - f! - Math.abs(d!), size: Math.abs(d!) });
      text += item.str + (item.hasEOL ? "\n" : "");
    }
    pages.push({ text, items });
  }
  await pdf.destroy();
  return pages;
}
