// Renders patient messages from the react-email templates in emails/.
//
// A campaign writes to thousands of patients of one practice with the same template, so the bulk
// path renders each template once per practice as a skeleton, with tokens where the per-patient
// fields go, and then fills the tokens in per recipient with one regex pass. The skeleton is
// rendered by React (practice details escaped by React); the per-patient values are escaped here
// exactly as React escapes text and attribute values, so the result is byte-for-byte what a full
// render would give (the unit tests hold the two paths equal).

import { createHash } from "node:crypto";
import { render, type Options } from "@react-email/render";
import { createElement, type ComponentType } from "react";
import {
  findForbiddenContent,
  type MessageProps,
  type PracticeContact,
  type TemplateKey,
} from "../domain/message-templates";
import OptOutAnnouncement, { subject as optOutAnnouncementSubject } from "../../emails/opt-out-announcement";
import OptInInvitation, { subject as optInInvitationSubject } from "../../emails/opt-in-invitation";
import RequestReceived, { subject as requestReceivedSubject } from "../../emails/request-received";
import OutcomeOptOutRecorded, { subject as outcomeOptOutRecordedSubject } from "../../emails/outcome-opt-out-recorded";
import OutcomeAccessGranted, { subject as outcomeAccessGrantedSubject } from "../../emails/outcome-access-granted";
import OutcomeAccessNotGranted, {
  subject as outcomeAccessNotGrantedSubject,
} from "../../emails/outcome-access-not-granted";
import OutcomeOptOutKeepAppointments, {
  subject as outcomeOptOutKeepAppointmentsSubject,
} from "../../emails/outcome-opt-out-keep-appointments";
import OutcomeOutsideService, { subject as outcomeOutsideServiceSubject } from "../../emails/outcome-outside-service";

interface TemplateModule {
  Component: ComponentType<MessageProps>;
  subject: (props: MessageProps) => string;
}

const TEMPLATES = {
  "opt-out-announcement": { Component: OptOutAnnouncement, subject: optOutAnnouncementSubject },
  "opt-in-invitation": { Component: OptInInvitation, subject: optInInvitationSubject },
  "request-received": { Component: RequestReceived, subject: requestReceivedSubject },
  "outcome-opt-out-recorded": { Component: OutcomeOptOutRecorded, subject: outcomeOptOutRecordedSubject },
  "outcome-access-granted": { Component: OutcomeAccessGranted, subject: outcomeAccessGrantedSubject },
  "outcome-access-not-granted": { Component: OutcomeAccessNotGranted, subject: outcomeAccessNotGrantedSubject },
  "outcome-opt-out-keep-appointments": { Component: OutcomeOptOutKeepAppointments, subject: outcomeOptOutKeepAppointmentsSubject },
  "outcome-outside-service": { Component: OutcomeOutsideService, subject: outcomeOutsideServiceSubject },
} satisfies Record<TemplateKey, TemplateModule>;

export interface Recipient {
  firstName: string;
  linkUrl?: string;
  linkExpires?: string;
  reference?: string;
  date?: string;
}

export interface PreparedTemplate {
  readonly key: TemplateKey;
  /** First 16 hex characters of sha256 over the skeleton: pinned on every message sent from it. */
  readonly version: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
  templateKey: TemplateKey;
  templateVersion: string;
}

const PERSONAL_FIELDS = ["firstName", "linkUrl", "linkExpires", "reference", "date"] as const;
type PersonalField = (typeof PERSONAL_FIELDS)[number];

// React writes `%` through unescaped in text and attributes, and html-to-text leaves it alone,
// so a token survives both renders intact.
const token = (field: PersonalField) => `%%${field}%%`;
const TOKEN_PATTERN = new RegExp(`%%(${PERSONAL_FIELDS.join("|")})%%`, "g");

const SKELETON_FIELDS = Object.fromEntries(PERSONAL_FIELDS.map((field) => [field, token(field)])) as Record<
  PersonalField,
  string
>;

// Headings keep their case in plain text: capitals are harder to read, not more important.
const PLAIN_TEXT_OPTIONS: Options = {
  plainText: true,
  htmlToTextOptions: {
    selectors: ["h1", "h2", "h3"].map((selector) => ({ selector, options: { uppercase: false } })),
  },
};

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#x27;",
};

/** The escaping React's server renderer applies to text and attribute values. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

// A subject is a mail header: a line break in it could add headers (Bcc:) to the message.
// \p{Cc} is every C0 and C1 control character (U+0000-U+001F, U+007F-U+009F), CR and LF included.
const SUBJECT_BREAKS = /[\p{Cc}\u2028\u2029]+/gu;

function cleanSubject(subject: string): string {
  return subject.replace(SUBJECT_BREAKS, " ").trim();
}

interface RenderedParts {
  subject: string;
  html: string;
  text: string;
}

async function renderParts(key: TemplateKey, props: MessageProps): Promise<RenderedParts> {
  const template: TemplateModule = TEMPLATES[key];
  const element = createElement(template.Component, props);
  const [html, text] = await Promise.all([render(element), render(element, PLAIN_TEXT_OPTIONS)]);
  return { subject: cleanSubject(template.subject(props)), html, text };
}

/** One full React render (html and plain text). The reference the bulk path is tested against. */
export async function renderNaive(key: TemplateKey, props: MessageProps): Promise<RenderedParts> {
  return renderParts(key, props);
}

function practiceStrings(practice: PracticeContact): string[] {
  return [practice.name, ...practice.addressLines, practice.postcode, practice.phone, practice.email, practice.website].filter(
    (value): value is string => value !== null,
  );
}

function firstForbidden(parts: RenderedParts): string | null {
  return findForbiddenContent(parts.subject) ?? findForbiddenContent(parts.html) ?? findForbiddenContent(parts.text);
}

const SHORT_CODE_FORMS = /\b10[346]\b/g;

function withoutShortCodeForms(practice: PracticeContact): PracticeContact {
  const mask = (value: string) => value.replace(SHORT_CODE_FORMS, "000");
  const maskNullable = (value: string | null) => (value === null ? null : mask(value));
  return {
    name: mask(practice.name),
    addressLines: practice.addressLines.map(mask),
    postcode: maskNullable(practice.postcode),
    phone: maskNullable(practice.phone),
    email: maskNullable(practice.email),
    website: maskNullable(practice.website),
  };
}

/**
 * Renders `key` for `practice` once, with tokens for the per-recipient fields. Throws if the
 * result holds anything a patient message must never say (DESIGN §2 "Safeguarding"): the
 * templates are written not to, and this makes sure a later edit cannot slip one through.
 */
export async function prepareTemplate(key: TemplateKey, practice: PracticeContact): Promise<PreparedTemplate> {
  // Otherwise a practice detail could smuggle a token in and have a patient's value put there.
  for (const value of practiceStrings(practice)) {
    if (new RegExp(TOKEN_PATTERN.source).test(value)) {
      throw new Error(`Practice details for template "${key}" contain a placeholder token: ${JSON.stringify(value)}`);
    }
  }

  const skeleton = await renderParts(key, { practice, ...SKELETON_FIELDS });

  let forbidden = firstForbidden(skeleton);
  // "104 High Street" or a phone number ending " 103" is the practice's own address, the same in
  // every message, and says nothing about the patient; the template's own words must still pass.
  if (forbidden !== null && practiceStrings(practice).some((value) => new RegExp(SHORT_CODE_FORMS.source).test(value))) {
    forbidden = firstForbidden(await renderParts(key, { practice: withoutShortCodeForms(practice), ...SKELETON_FIELDS }));
  }
  if (forbidden !== null) {
    throw new Error(`Template "${key}" would send forbidden content to patients: "${forbidden}"`);
  }

  const version = createHash("sha256")
    .update(`${skeleton.subject}\0${skeleton.html}\0${skeleton.text}`)
    .digest("hex")
    .slice(0, 16);
  return { key, version, subject: skeleton.subject, html: skeleton.html, text: skeleton.text };
}

/**
 * Fills a prepared skeleton in for one recipient in a single pass, so a value that happens to look
 * like a token is never itself replaced. Html gets React's escaping; plain text gets the value as
 * given; the subject loses every line break and control character.
 */
export function personalise(prepared: PreparedTemplate, recipient: Recipient): RenderedMessage {
  const valueOf = (field: PersonalField): string => {
    const value = recipient[field];
    if (value === undefined) {
      throw new Error(`Template "${prepared.key}" needs ${field} for every recipient`);
    }
    if (field === "linkUrl" && !/^https?:\/\//i.test(value)) {
      throw new Error(`Template "${prepared.key}" needs an http(s) link, not ${JSON.stringify(value.slice(0, 40))}`);
    }
    return value;
  };
  const fill = (source: string, encode: (value: string) => string) =>
    source.replace(TOKEN_PATTERN, (_match, field: PersonalField) => encode(valueOf(field)));

  return {
    subject: cleanSubject(fill(prepared.subject, (value) => value)),
    html: fill(prepared.html, escapeHtml),
    text: fill(prepared.text, (value) => value),
    templateKey: prepared.key,
    templateVersion: prepared.version,
  };
}

export interface TemplateCache {
  get(key: TemplateKey, practice: PracticeContact): Promise<PreparedTemplate>;
}

/**
 * Prepared skeletons for a worker, so each template is rendered once per practice. Holds the
 * promise, so concurrent callers share one render; a failed render is forgotten, not cached.
 */
export function createTemplateCache(maxEntries = 64): TemplateCache {
  const entries = new Map<string, Promise<PreparedTemplate>>();
  return {
    get(key, practice) {
      // Field by field, so two objects with the same details but keys in another order share an entry.
      const cacheKey = `${key}\0${JSON.stringify([
        practice.name,
        practice.addressLines,
        practice.postcode,
        practice.phone,
        practice.email,
        practice.website,
      ])}`;
      const cached = entries.get(cacheKey);
      if (cached !== undefined) {
        // Most recently used last, so the oldest entry is the first one evicted.
        entries.delete(cacheKey);
        entries.set(cacheKey, cached);
        return cached;
      }
      const prepared = prepareTemplate(key, practice);
      entries.set(cacheKey, prepared);
      prepared.catch(() => {
        if (entries.get(cacheKey) === prepared) entries.delete(cacheKey);
      });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return prepared;
    },
  };
}
