import { describe, expect, it } from "vitest";
import { importContent } from "../../../app/content/import";
import { registrationPageContent } from "../../../app/content/letters";
import { bodyLimitFor, FORM_BYTES, inWords, UPLOADS } from "../../../app/http/body-limits";

const MB = 1024 * 1024;

describe("bodyLimitFor", () => {
  it.each([
    ["/requests/new", FORM_BYTES, "64 KB", false],
    ["/r/some-token", FORM_BYTES, "64 KB", false],
    ["/staff/sign-in", FORM_BYTES, "64 KB", false],
    ["/staff/import/0a1b2c", FORM_BYTES, "64 KB", false],
    ["/_root.data", FORM_BYTES, "64 KB", false],
    // The upload pages: the file they state, and a form's worth for the rest of the body.
    ["/staff/import", 256 * MB + FORM_BYTES, "256 MB", true],
    ["/staff/import/", 256 * MB + FORM_BYTES, "256 MB", true],
    ["/staff/import.data", 256 * MB + FORM_BYTES, "256 MB", true],
    ["/STAFF/Import", 256 * MB + FORM_BYTES, "256 MB", true],
    ["/staff/letters/registration", 2 * MB + FORM_BYTES, "2 MB", true],
    ["/staff/letters/registration.pdf", 2 * MB + FORM_BYTES, "2 MB", true],
    ["/staff/letters/registration.pdf.data", 2 * MB + FORM_BYTES, "2 MB", true],
    ["/staff/letters/message", FORM_BYTES, "64 KB", false],
    ["/staff/importer", FORM_BYTES, "64 KB", false],
  ])("%s → %d bytes, stated as %s, multipart %s", (path, maxBytes, words, multipart) => {
    expect(bodyLimitFor(path)).toEqual({ maxBytes, inWords: words, multipart });
  });
});

describe("inWords", () => {
  it.each([
    [64 * 1024, "64 KB"],
    [256 * MB, "256 MB"],
    [2 * MB, "2 MB"],
    [1536, "1536 bytes"],
    [1024 * 1024 + 1024, "1025 KB"],
  ])("%d → %s", (bytes, words) => {
    expect(inWords(bytes)).toBe(words);
  });
});

describe("what the upload pages state", () => {
  it("is the limit in the table, so the words and the limit cannot drift apart", () => {
    const patientList = inWords(UPLOADS.patientList.fileBytes);
    expect(importContent.upload.fileHint).toContain(`up to ${patientList}.`);
    expect(importContent.upload.tooLarge).toBe(`The selected file must be smaller than ${patientList}`);
    expect(registrationPageContent.errors.tooLarge).toBe(`The file must be smaller than ${inWords(UPLOADS.registrationKeys.fileBytes)}`);
  });
});
