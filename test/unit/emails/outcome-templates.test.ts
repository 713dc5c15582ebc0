import { describe, expect, it } from "vitest";
import { letterBlocks } from "../../../app/domain/letters";
import {
  FORBIDDEN_MESSAGE_PATTERNS,
  TEMPLATE_KEYS,
  TEMPLATE_NAMES,
  type PracticeContact,
  type TemplateKey,
} from "../../../app/domain/message-templates";
import { personalise, prepareTemplate, type RenderedMessage } from "../../../app/services/message-render.server";

// Issue 18: each decision's outcome is told in words that match it exactly. A patient who kept
// appointments and prescriptions online was told word for word what a full opt-out is told.

const practice: PracticeContact = {
  name: "Riverside Surgery",
  addressLines: ["1 Water Lane", "Leeds"],
  postcode: "LS11 5QN",
  phone: "0113 496 0000",
  email: "reception@riverside.example",
  website: null,
};

const OUTCOME_KEYS = TEMPLATE_KEYS.filter((key) => key.startsWith("outcome-"));

/** An outcome message as the outbox sends it: only the first name and the date are given. */
async function outcome(key: TemplateKey): Promise<RenderedMessage> {
  return personalise(await prepareTemplate(key, practice), { firstName: "Ann", date: "21 November 2026" });
}

/** The plain text a patient reads, as one line: the practice's footer left out. */
function body(message: RenderedMessage): string {
  return message.text.split(/\n-{10,}\n/)[0]!.replace(/\s+/g, " ");
}

describe("outcome messages", () => {
  it("there is one for each outcome a patient is told, each with a name staff read", () => {
    expect(OUTCOME_KEYS).toEqual([
      "outcome-opt-out-recorded",
      "outcome-access-granted",
      "outcome-access-not-granted",
      "outcome-opt-out-keep-appointments",
      "outcome-outside-service",
    ]);
    for (const key of OUTCOME_KEYS) expect(TEMPLATE_NAMES[key]).toMatch(/^Outcome: /);
  });

  it.each(OUTCOME_KEYS)("%s: needs nothing but the first name and the date, and says nothing forbidden", async (key) => {
    const message = await outcome(key);
    for (const part of [message.subject, message.html, message.text]) {
      for (const pattern of FORBIDDEN_MESSAGE_PATTERNS) expect(part).not.toMatch(pattern);
    }
    expect(message.text).toContain("Dear Ann,");
    expect(message.text).not.toContain("%%");
  });

  it("keeping appointments and prescriptions: says they stay online and the record does not, in words of its own", async () => {
    const keep = await outcome("outcome-opt-out-keep-appointments");
    const full = await outcome("outcome-opt-out-recorded");
    expect(keep.subject).toBe("We have recorded your choice: appointments and prescriptions stay online");
    expect(keep.subject).not.toBe(full.subject);
    const text = body(keep);
    expect(text).toContain("You can still book GP appointments and order repeat prescriptions online");
    expect(text).toContain("You will not see your GP health record online.");
    expect(text).toContain("This applies from 21 November 2026.");
    expect(text).toMatch(/You can change your mind at any time\. Just contact the practice/);
    // The sentence the walk-through found in the letter of a patient who kept appointments online.
    expect(text).not.toContain("do not want online access to your GP record");
    expect(body(full)).toContain("do not want online access to your GP record");
    expect(body(full)).not.toMatch(/appointment|prescription/i);
    expect(keep.html).toContain("repeat prescriptions");
  });

  it("a full opt-out: says the patient will not see their record online, from the day, and how to change their mind", async () => {
    const text = body(await outcome("outcome-opt-out-recorded"));
    expect(text).toContain("We have recorded that you do not want online access to your GP record. This applies from 21 November 2026.");
    expect(text).toContain("you will not see your GP health record online");
    expect(text).toContain("You can change your mind at any time.");
  });

  it("access granted: says access is switched on, from the day, and where to see the record", async () => {
    const message = await outcome("outcome-access-granted");
    expect(message.subject).toBe("You can now see your GP record online");
    const text = body(message);
    expect(text).toContain("We have switched on online access to your GP record. This applies from 21 November 2026.");
    expect(text).toContain("sign in to the NHS App");
  });

  it("access not granted: says it is not switched on and to contact the practice, and nothing more", async () => {
    const message = await outcome("outcome-access-not-granted");
    const text = body(message);
    expect(text).toContain("We have not switched on online access to your GP record for now.");
    expect(text).toContain("Please contact the practice");
    expect(`${message.subject} ${text}`).not.toMatch(/risk|concern|review|identified|marked|because/i);
  });

  it("under 16: the service is for 16 and over; children's and proxy access are arranged with the practice; no reason given", async () => {
    const message = await outcome("outcome-outside-service");
    expect(message.subject).toBe("About your request for online access");
    const text = body(message);
    expect(text).toContain("Online access through this service is for patients aged 16 and over");
    expect(text).toContain("Online access for children under 16 is arranged with the practice directly.");
    expect(text).toContain("This is called proxy access.");
    expect(text).toContain("Please contact the practice");
    expect(`${message.subject} ${message.text}`).not.toMatch(/risk|concern|review|identified|marked|harm|worr/i);
    // It does not claim anything was switched on or off.
    expect(text).not.toMatch(/switched|recorded that/i);
  });

  it.each(OUTCOME_KEYS)("%s: prints as a letter: the words without the practice's name or footer, and headings as headings", async (key) => {
    const message = await outcome(key);
    const blocks = letterBlocks(message.text);
    expect(blocks[0]).toEqual({ kind: "paragraph", text: "Dear Ann," });
    const printed = blocks.map((b) => b.text).join(" ");
    expect(printed).not.toContain(practice.name);
    expect(printed).not.toContain("0113 496 0000");
    expect(printed).not.toContain("This message was sent by");
    expect(blocks.some((b) => b.kind === "link")).toBe(false);
    // Every paragraph of the email, on paper as one line each.
    expect(printed.replace(/\s+/g, " ")).toBe(body(message).replace(/^Riverside Surgery /, "").trim());
    const headings = [...message.html.matchAll(/<h2[^>]*>([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(blocks.filter((b) => b.kind === "heading").map((b) => b.text)).toEqual(headings);
  });
});
