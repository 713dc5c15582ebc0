/** A CSV file to download, never cached: it holds patient data. */
export function csvDownload(csv: string, filename: string): Response {
  // The byte order mark makes Excel read the file as UTF-8 (names like Siân).
  return new Response(`\uFEFF${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
