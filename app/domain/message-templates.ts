// The messages the portal sends to patients, and what none of them may ever say.
// DESIGN §2 "Safeguarding": no SNOMED code, no "enhanced review", nothing saying that, or why,
// a patient is thought to be at risk. The templates in emails/ are written to that rule; the
// patterns below let the renderer check every message before it can leave.

import { CODES } from "./codes";
import { addressLines } from "./postal-address";

export const TEMPLATE_KEYS = [
  "opt-out-announcement",
  "opt-in-invitation",
  "request-received",
  "outcome-opt-out-recorded",
  "outcome-access-granted",
  "outcome-access-not-granted",
  "outcome-opt-out-keep-appointments",
  "outcome-outside-service",
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

/** Sent to a cohort by a campaign; every other template is sent about one request. */
export const CAMPAIGN_TEMPLATE_KEYS = ["opt-out-announcement", "opt-in-invitation"] as const satisfies readonly TemplateKey[];
export type CampaignTemplateKey = (typeof CAMPAIGN_TEMPLATE_KEYS)[number];

export const TEMPLATE_NAMES: Record<TemplateKey, string> = {
  "opt-out-announcement": "Opt-out model announcement",
  "opt-in-invitation": "Invitation to ask for online access",
  "request-received": "Request received",
  "outcome-opt-out-recorded": "Outcome: opt-out recorded",
  "outcome-access-granted": "Outcome: access switched on",
  "outcome-access-not-granted": "Outcome: access not switched on for now",
  "outcome-opt-out-keep-appointments": "Outcome: opt-out recorded, appointments and prescriptions kept online",
  "outcome-outside-service": "Outcome: under 16, arranged with the practice",
};

export function isTemplateKey(value: string): value is TemplateKey {
  return (TEMPLATE_KEYS as readonly string[]).includes(value);
}

export function isCampaignTemplateKey(key: TemplateKey): key is CampaignTemplateKey {
  return (CAMPAIGN_TEMPLATE_KEYS as readonly TemplateKey[]).includes(key);
}

/** Campaign messages invite the patient to act through their personal link. */
export function templateCarriesPersonalLink(key: TemplateKey): boolean {
  return isCampaignTemplateKey(key);
}

export function templateName(key: TemplateKey): string {
  return TEMPLATE_NAMES[key];
}

export interface PracticeContact {
  name: string;
  addressLines: string[];
  postcode: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
}

/** A practice's details as its messages show them (the shape of a practices row). */
export function practiceContact(practice: {
  name: string;
  addressLine1: string | null;
  addressLine2: string | null;
  addressLine3: string | null;
  addressLine4: string | null;
  postcode: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
}): PracticeContact {
  return {
    name: practice.name,
    addressLines: addressLines(practice),
    postcode: practice.postcode,
    phone: practice.phone,
    email: practice.email,
    website: practice.website,
  };
}

/**
 * Everything a template is given. Dates arrive already formatted for people ("21 November 2026"):
 * templates never format, so the bulk renderer can substitute them as plain text.
 */
export interface MessageProps {
  practice: PracticeContact;
  firstName: string;
  linkUrl: string;
  linkExpires: string;
  reference: string;
  date: string;
}

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export const FORBIDDEN_MESSAGE_PATTERNS: readonly RegExp[] = [
  ...Object.values(CODES).map((code) => new RegExp(escapeRegExp(code.conceptId))),
  // The short forms staff use ("a 104"), as whole words so dates and prices do not trip them.
  /\b104\b/,
  /\b106\b/,
  /\b103\b/,
  /enhanced\s+review/i,
  /at\s+risk/i,
  /risk\s+of\s+harm/i,
  /safeguard/i,
  /coerc/i,
  /abuse/i,
  /vulnerable/i,
];

/** The first forbidden thing in `text`, or null when it is safe to send. */
export function findForbiddenContent(text: string): string | null {
  for (const pattern of FORBIDDEN_MESSAGE_PATTERNS) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return null;
}
