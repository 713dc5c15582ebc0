import { describe, expect, it } from "vitest";
import {
  CAMPAIGN_TEMPLATE_KEYS,
  FORBIDDEN_MESSAGE_PATTERNS,
  TEMPLATE_KEYS,
  TEMPLATE_NAMES,
  findForbiddenContent,
  templateCarriesPersonalLink,
  type MessageProps,
  type PracticeContact,
  type TemplateKey,
} from "../../../app/domain/message-templates";
import {
  createTemplateCache,
  personalise,
  prepareTemplate,
  renderNaive,
  type Recipient,
} from "../../../app/services/message-render.server";

const practice: PracticeContact = {
  name: "Riverside & Beck Surgery",
  addressLines: ["1 Water Lane", "Leeds"],
  postcode: "LS11 5QN",
  phone: "0113 496 0000",
  email: "reception@riverside.example",
  website: "https://www.riverside.example",
};

const recipient: Required<Recipient> = {
  firstName: "Ann",
  linkUrl: "https://portal.example/r/Jq8xTzQ2",
  linkExpires: "5 January 2027",
  reference: "RQ-7K2M-9P",
  date: "21 November 2026",
};

const props = (who: Recipient, forPractice: PracticeContact = practice): MessageProps => ({
  practice: forPractice,
  linkUrl: "",
  linkExpires: "",
  reference: "",
  date: "",
  ...who,
});

// Written out here rather than imported, so the test checks the renderer against React's own rule.
const escaped = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");

/** The markup with text and attribute values taken out: what a broken tag would change. */
function tagStructure(html: string): string[] {
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, "").replace(/<!DOCTYPE[^>]*>/i, "");
  return [...withoutComments.matchAll(/<\/?[a-zA-Z][^>]*>/g)].map((tag) => tag[0].replace(/="[^"]*"/g, '=""'));
}

const VOID_ELEMENTS = new Set(["meta", "br", "hr", "img", "link", "input"]);

function unbalancedTags(html: string): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  for (const tag of tagStructure(html)) {
    const name = /^<\/?([a-zA-Z0-9]+)/.exec(tag)?.[1]?.toLowerCase() ?? "";
    if (VOID_ELEMENTS.has(name) || tag.endsWith("/>")) continue;
    if (tag.startsWith("</")) {
      if (stack.pop() !== name) problems.push(tag);
    } else {
      stack.push(name);
    }
  }
  return [...problems, ...stack];
}

describe("the bulk path", () => {
  it.each(TEMPLATE_KEYS)("%s: personalising a skeleton gives exactly what a full render gives", async (key) => {
    const fast = personalise(await prepareTemplate(key, practice), recipient);
    const naive = await renderNaive(key, props(recipient));
    expect(fast.html).toBe(naive.html);
    expect(fast.text).toBe(naive.text);
    expect(fast.subject).toBe(naive.subject);
    expect(fast.templateKey).toBe(key);
    expect(fast.html).not.toContain("%%");
    expect(fast.text).not.toContain("%%");
  });

  it("fills every token in one pass: a value that looks like a token is left as written", async () => {
    const prepared = await prepareTemplate("request-received", practice);
    const message = personalise(prepared, { ...recipient, firstName: "%%reference%%" });
    expect(message.text).toContain("Dear %%reference%%,");
    expect(message.text).toContain(`Reference: ${recipient.reference}`);
  });

  it("refuses a recipient who lacks a field the template uses", async () => {
    const prepared = await prepareTemplate("opt-in-invitation", practice);
    expect(() => personalise(prepared, { firstName: "Ann", linkExpires: "5 January 2027" })).toThrow(/linkUrl/);
  });

  it("refuses a personal link that is not a web address", async () => {
    const prepared = await prepareTemplate("opt-out-announcement", practice);
    expect(() => personalise(prepared, { ...recipient, linkUrl: "javascript:alert(1)" })).toThrow(/http/);
  });

  it("refuses practice details that carry a placeholder token", async () => {
    await expect(prepareTemplate("request-received", { ...practice, name: "Surgery %%linkUrl%%" })).rejects.toThrow(
      /placeholder/,
    );
  });
});

describe("what every message shows", () => {
  it.each(TEMPLATE_KEYS)("%s: the practice, its contact details and the patient's first name; no images", async (key) => {
    const message = personalise(await prepareTemplate(key, practice), recipient);
    expect(message.html).toContain('lang="en-GB"');
    expect(message.html).not.toMatch(/<img/i);
    for (const detail of [practice.name, "1 Water Lane", "Leeds", "LS11 5QN", "0113 496 0000", "reception@riverside.example", "https://www.riverside.example"]) {
      expect(message.html).toContain(escaped(detail));
      expect(message.text).toContain(detail);
    }
    expect(message.html).toContain(`href="mailto:reception@riverside.example"`);
    expect(message.text).toContain("Dear Ann,");
    expect(message.text).toMatch(/This message was sent by Riverside & Beck Surgery\. If it was not meant for you/);
    expect(message.subject.length).toBeGreaterThan(0);
    expect(unbalancedTags(message.html)).toEqual([]);
  });

  it.each(CAMPAIGN_TEMPLATE_KEYS)("%s: the personal link, as a link and as text, and when it stops working", async (key) => {
    expect(templateCarriesPersonalLink(key)).toBe(true);
    const message = personalise(await prepareTemplate(key, practice), recipient);
    expect(message.html).toContain(`href="${recipient.linkUrl}"`);
    expect(message.html).toContain(`>${recipient.linkUrl}</a>`);
    expect(message.text).toContain(recipient.linkUrl);
    expect(message.text).toContain(`until ${recipient.linkExpires}`);
  });

  it("only campaign templates carry a personal link, and none of the others shows one", async () => {
    for (const key of TEMPLATE_KEYS) {
      const campaign = (CAMPAIGN_TEMPLATE_KEYS as readonly TemplateKey[]).includes(key);
      expect(templateCarriesPersonalLink(key)).toBe(campaign);
      if (!campaign) {
        const message = personalise(await prepareTemplate(key, practice), recipient);
        expect(message.text).not.toContain(recipient.linkUrl);
      }
      expect(TEMPLATE_NAMES[key].length).toBeGreaterThan(0);
    }
  });

  it("the request confirmation quotes the reference and the day it was received", async () => {
    const message = personalise(await prepareTemplate("request-received", practice), recipient);
    expect(message.subject).toContain(recipient.reference);
    expect(message.text).toContain(`Reference: ${recipient.reference}`);
    expect(message.text).toContain(`Received: ${recipient.date}`);
  });

  it("shows only the contact details a practice has given", async () => {
    const bare: PracticeContact = { name: "Hill Top Surgery", addressLines: [], postcode: null, phone: null, email: null, website: "" };
    const message = personalise(await prepareTemplate("outcome-access-granted", bare), recipient);
    expect(message.text).toContain("Hill Top Surgery");
    expect(message.text).not.toMatch(/Phone:|Email:|Website:/);
    expect(message.html).not.toContain("mailto:");
  });
});

describe("hostile names", () => {
  const names = [
    "<script>alert(1)</script>",
    `O'Brien "Bob" & Co`,
    "Ann\r\nBcc: evil@example.com",
    "\u202Egnirts\u200F Ann",
    "A".repeat(150) + "<b>" + "B".repeat(147),
  ];

  it.each(TEMPLATE_KEYS)("%s: escaped in html, intact in text, and never a broken tag", async (key) => {
    const prepared = await prepareTemplate(key, practice);
    const normal = personalise(prepared, recipient);
    for (const firstName of names) {
      const message = personalise(prepared, { ...recipient, firstName });
      expect(message.html).toContain(escaped(firstName));
      expect(message.html).not.toContain("<script");
      expect(message.text).toContain(firstName);
      expect(message.subject).not.toMatch(/[\r\n]/);
      expect(tagStructure(message.html)).toEqual(tagStructure(normal.html));
      expect(unbalancedTags(message.html)).toEqual([]);
      // The fast path escapes as React does, so a full render agrees even for these.
      expect(message.html).toBe((await renderNaive(key, props({ ...recipient, firstName }))).html);
    }
  });

  it("a 300-character name arrives whole", async () => {
    const firstName = "A".repeat(150) + "<b>" + "B".repeat(147);
    expect(firstName).toHaveLength(300);
    const message = personalise(await prepareTemplate("opt-in-invitation", practice), { ...recipient, firstName });
    expect(message.text).toContain(`Dear ${firstName},`);
  });

  it("every field is escaped in html, and no line break or control character reaches a subject", async () => {
    const hostile: Required<Recipient> = {
      firstName: "Ann",
      linkUrl: `https://portal.example/r/a"b'c<d>&e`,
      linkExpires: "5 January 2027\r\nX-Evil: 1",
      reference: "RQ-1\r\nBcc: evil@example.com\u0085\u2028\u2029\u0000\t",
      date: "21 November 2026\nSubject: other",
    };
    for (const key of TEMPLATE_KEYS) {
      const prepared = await prepareTemplate(key, practice);
      const message = personalise(prepared, hostile);
      expect(message.subject).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
      expect(message.subject).toBe(message.subject.trim());
      expect(tagStructure(message.html)).toEqual(tagStructure(personalise(prepared, recipient).html));
      if (templateCarriesPersonalLink(key)) {
        expect(message.html).toContain(`href="https://portal.example/r/a&quot;b&#x27;c&lt;d&gt;&amp;e"`);
        expect(message.text).toContain(hostile.linkUrl);
      }
    }
    const received = personalise(await prepareTemplate("request-received", practice), hostile);
    expect(received.subject).toBe("We have your request (reference RQ-1 Bcc: evil@example.com )");
  });
});

describe("safeguarding", () => {
  const recipients: Recipient[] = [
    recipient,
    { ...recipient, firstName: "Mohammed", reference: "RQ-ZZ9-44", date: "1 April 2027" },
    { ...recipient, firstName: "Siân", linkUrl: "https://portal.example/r/Zm9vYmFy", linkExpires: "31 December 2026" },
  ];

  it.each(TEMPLATE_KEYS)("%s: nothing forbidden in subject, html or text", async (key) => {
    const prepared = await prepareTemplate(key, practice);
    for (const who of recipients) {
      const message = personalise(prepared, who);
      expect(findForbiddenContent(message.subject)).toBeNull();
      expect(findForbiddenContent(message.html)).toBeNull();
      expect(findForbiddenContent(message.text)).toBeNull();
    }
  });

  it.each(["opt-in-invitation", "outcome-access-not-granted", "outcome-outside-service"] as const)(
    "%s: neutral wording, with nothing that hints why it was sent",
    async (key) => {
      const message = personalise(await prepareTemplate(key, practice), recipient);
      for (const part of [message.subject, message.html, message.text]) {
        expect(part).not.toMatch(/risk|concern|review|identified|marked/i);
      }
    },
  );

  it.each([
    ["1364731000000104", "1364731000000104"],
    ["code 1364751000000106 entered", "1364751000000106"],
    ["concept 1290331000000103", "1290331000000103"],
    ["you have a 104 on your record", "104"],
    ["a 106 was added", "106"],
    ["(103)", "103"],
    ["after an Enhanced Review", "Enhanced Review"],
    ["you may be at risk", "at risk"],
    ["Risk of harm", "Risk of harm"],
    ["our safeguarding team", "safeguard"],
    ["Coercion", "Coerc"],
    ["domestic abuse", "abuse"],
    ["Vulnerable adults", "Vulnerable"],
  ])("the guard catches %j", (text, match) => {
    expect(findForbiddenContent(text)).toBe(match);
  });

  it.each(["21 November 2026", "phone 01632 960104", "1040 patients", "reference RQ104X", "Dear Ann,"])(
    "the guard lets %j through",
    (text) => {
      expect(findForbiddenContent(text)).toBeNull();
    },
  );

  it("has a pattern for each code and each forbidden phrase", () => {
    expect(FORBIDDEN_MESSAGE_PATTERNS).toHaveLength(13);
  });

  it("refuses to prepare a message that would say something forbidden, naming the template and the words", async () => {
    await expect(prepareTemplate("opt-in-invitation", { ...practice, name: "Safeguarding Hub Surgery" })).rejects.toThrow(
      /"opt-in-invitation".*"Safeguard"/,
    );
  });

  it("lets a practice at 104 High Street write to its patients", async () => {
    const atNumber104 = { ...practice, addressLines: ["104 High Street"], phone: "0113 496 0103" };
    const message = personalise(await prepareTemplate("opt-out-announcement", atNumber104), recipient);
    expect(message.text).toContain("104 High Street");
  });
});

describe("versions and the cache", () => {
  it("pins the same version for the same practice, and a new one when its phone number changes", async () => {
    const first = await prepareTemplate("opt-out-announcement", practice);
    const again = await prepareTemplate("opt-out-announcement", { ...practice, addressLines: [...practice.addressLines] });
    const newPhone = await prepareTemplate("opt-out-announcement", { ...practice, phone: "0113 496 0999" });
    expect(first.version).toMatch(/^[0-9a-f]{16}$/);
    expect(again.version).toBe(first.version);
    expect(newPhone.version).not.toBe(first.version);
    expect((await prepareTemplate("opt-in-invitation", practice)).version).not.toBe(first.version);
    expect(personalise(first, recipient).templateVersion).toBe(first.version);
  });

  it("renders each skeleton once per practice, whatever order the practice's fields come in", async () => {
    const cache = createTemplateCache();
    const reordered: PracticeContact = {
      website: practice.website,
      email: practice.email,
      phone: practice.phone,
      postcode: practice.postcode,
      addressLines: [...practice.addressLines],
      name: practice.name,
    };
    const [first, concurrent] = await Promise.all([cache.get("request-received", practice), cache.get("request-received", practice)]);
    expect(concurrent).toBe(first);
    expect(await cache.get("request-received", reordered)).toBe(first);
    expect(await cache.get("opt-in-invitation", practice)).not.toBe(first);
    expect(await cache.get("request-received", { ...practice, phone: "0113 496 0999" })).not.toBe(first);
  });

  it("forgets a failed preparation and keeps at most the entries it was given", async () => {
    const cache = createTemplateCache(2);
    const bad = { ...practice, name: "Abuse Clinic" };
    await expect(cache.get("request-received", bad)).rejects.toThrow();
    await expect(cache.get("request-received", bad)).rejects.toThrow();
    const kept = await cache.get("request-received", practice);
    await cache.get("opt-in-invitation", practice);
    await cache.get("outcome-access-granted", practice);
    expect(await cache.get("request-received", practice)).not.toBe(kept);
  });
});
