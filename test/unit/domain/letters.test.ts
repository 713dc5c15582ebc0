import { describe, expect, it } from "vitest";
import { ADDRESS_WINDOW, A4, checkRegistrationRow, letterBlocks, linkageKeyName, MM, registrationExpiry } from "../../../app/domain/letters";

describe("registration letter rules", () => {
  it("expires 14 days after issue, across a month and a year end", () => {
    expect(registrationExpiry("2026-11-21")).toBe("2026-12-05");
    expect(registrationExpiry("2026-12-25")).toBe("2027-01-08");
    expect(registrationExpiry("2028-02-20")).toBe("2028-03-05");
  });

  it("names the second detail as each clinical system does", () => {
    expect(linkageKeyName("emis")).toBe("Linkage Key");
    expect(linkageKeyName("tpp")).toBe("Passphrase");
  });

  it("puts the address window on the sheet where DL and C5 window envelopes show it", () => {
    expect(ADDRESS_WINDOW.left / MM).toBeCloseTo(20);
    expect(ADDRESS_WINDOW.top / MM).toBeCloseTo(50);
    expect((ADDRESS_WINDOW.left + ADDRESS_WINDOW.width) / MM).toBeLessThan(A4.width / MM / 2 + 10);
  });
});

describe("checkRegistrationRow", () => {
  it("accepts a row, normalising the NHS number and trimming the keys but not their inner spaces", () => {
    expect(checkRegistrationRow({ nhsNumber: "943 476 5919", accountId: " 1234 ", linkageKey: " correct horse battery " })).toEqual({
      ok: true,
      details: { nhsNumber: "9434765919", accountId: "1234", linkageKey: "correct horse battery" },
    });
  });

  it("names every field that is wrong", () => {
    expect(checkRegistrationRow({ nhsNumber: "1234567890", accountId: "", linkageKey: "x".repeat(101) })).toEqual({
      ok: false,
      problems: [
        { field: "nhsNumber", message: "the NHS number is not valid" },
        { field: "accountId", message: "the Account ID is missing" },
        { field: "linkageKey", message: "the Linkage Key or passphrase is longer than 100 characters" },
      ],
    });
    expect(checkRegistrationRow({ nhsNumber: "", accountId: "1\u0007", linkageKey: "k" })).toMatchObject({
      ok: false,
      problems: [{ field: "nhsNumber", message: "the NHS number is missing" }, { field: "accountId", message: "the Account ID contains a control character" }],
    });
  });
});

describe("letterBlocks", () => {
  const plain = [
    "Riverside Medical Practice",
    "",
    "Dear Siân,",
    "",
    "From 21 November 2026, patients aged 16 or over will be able to see new entries.",
    "",
    "",
    "If you do not want this",
    "",
    "To tell us, use your personal link or contact the practice.",
    "",
    "Choose what you see online https://portal.example/r/abc",
    "",
    "Or copy this link into your web browser:",
    "https://portal.example/r/abc",
    "",
    "This link is personal to you.",
    "",
    "----------------------------------------",
    "",
    "Riverside Medical Practice",
    "Phone: 0113 496 0000",
  ].join("\n");

  it("keeps the body as paragraphs and headings, the link once, and leaves out the practice's name and footer", () => {
    expect(letterBlocks(plain)).toEqual([
      { kind: "paragraph", text: "Dear Siân," },
      { kind: "paragraph", text: "From 21 November 2026, patients aged 16 or over will be able to see new entries." },
      { kind: "heading", text: "If you do not want this" },
      { kind: "paragraph", text: "To tell us, use your personal link or contact the practice." },
      { kind: "link", text: "Choose what you see online", url: "https://portal.example/r/abc" },
      { kind: "paragraph", text: "This link is personal to you." },
    ]);
  });
});
