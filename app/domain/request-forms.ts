// The patient request forms (issue 6): one zod schema per step, and the
// request reference. Pure: the caller passes today's date and the messages
// (app/content/requests.ts), so this module imports nothing from the app.

import { z } from "zod";
import { daysInMonth, formatIsoDay, compareDays } from "./calendar";
import { parseEmail, parseUkMobile, parseUkPhone } from "./contact";
import type { ClaimedIdentity } from "./identity-match";
import { parseNhsNumber } from "./nhs-number";
import { parsePostcode } from "./postcode";
import { REQUEST_KINDS, type RequestKind } from "./request-workflow";
import { OPT_OUT_SCOPES } from "./access-decision";

export interface RequestFormMessages {
  kind: string;
  givenName: string;
  familyName: string;
  tooLong: string;
  dateOfBirthMissing: string;
  dateOfBirthInvalid: string;
  dateOfBirthFuture: string;
  postcodeMissing: string;
  postcodeInvalid: string;
  nhsNumberInvalid: string;
  contactMissing: string;
  emailInvalid: string;
  mobileInvalid: string;
  optOutScope: string;
  declarationUpsetting: string;
  declarationLoginSafe: string;
  declarationTellPractice: string;
  contactWay: string;
  contactPhoneMissing: string;
  contactPhoneInvalid: string;
  contactTime: string;
  withdrawConfirm: string;
}

/** The messages of the safe-contact questions, which staff entering a request ask too, in their own words. */
export type SafeContactMessages = Pick<RequestFormMessages, "contactWay" | "contactPhoneMissing" | "contactPhoneInvalid" | "contactTime" | "tooLong">;

export const MAX_TEXT = 200;
export const CONTACT_WAYS = ["phone", "email", "letter"] as const;
export type ContactWay = (typeof CONTACT_WAYS)[number];

const text = (value: unknown) => (typeof value === "string" ? value : "");

/**
 * A date of birth from the three boxes of the NHS date input, as an ISO day,
 * or the problem with it. Only real past days from 1900 on are accepted.
 */
export function parseDateOfBirth(
  parts: { day: string; month: string; year: string },
  today: string,
): { ok: true; value: string } | { ok: false; problem: "missing" | "invalid" | "future" } {
  const [day, month, year] = [parts.day.trim(), parts.month.trim(), parts.year.trim()];
  if (day === "" || month === "" || year === "") return { ok: false, problem: "missing" };
  if (!/^[0-9]{1,2}$/.test(day) || !/^[0-9]{1,2}$/.test(month) || !/^[0-9]{4}$/.test(year)) return { ok: false, problem: "invalid" };
  const [d, m, y] = [Number(day), Number(month), Number(year)];
  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return { ok: false, problem: "invalid" };
  const iso = formatIsoDay({ year: y, month: m, day: d });
  if (compareDays(iso, today) > 0) return { ok: false, problem: "future" };
  return { ok: true, value: iso };
}

/** The date of birth alone: the personal-link check, and part of "your details". */
export function dateOfBirthSchema(messages: RequestFormMessages, today: string) {
  return z
    .object({ dateOfBirthDay: z.preprocess(text, z.string()), dateOfBirthMonth: z.preprocess(text, z.string()), dateOfBirthYear: z.preprocess(text, z.string()) })
    .transform((value, ctx) => {
      const parsed = parseDateOfBirth({ day: value.dateOfBirthDay, month: value.dateOfBirthMonth, year: value.dateOfBirthYear }, today);
      if (!parsed.ok) {
        const message = { missing: messages.dateOfBirthMissing, invalid: messages.dateOfBirthInvalid, future: messages.dateOfBirthFuture }[parsed.problem];
        ctx.addIssue({ code: "custom", message, path: ["dateOfBirth"] });
        return z.NEVER;
      }
      return { dateOfBirth: parsed.value };
    });
}

/** Step "your details" of the online form. Values come back normalised for matching. */
export function detailsSchema(messages: RequestFormMessages, today: string) {
  return z
    .object({
      givenName: z.preprocess(text, z.string()),
      familyName: z.preprocess(text, z.string()),
      postcode: z.preprocess(text, z.string()),
      nhsNumber: z.preprocess(text, z.string()),
      email: z.preprocess(text, z.string()),
      mobile: z.preprocess(text, z.string()),
      dateOfBirthDay: z.preprocess(text, z.string()),
      dateOfBirthMonth: z.preprocess(text, z.string()),
      dateOfBirthYear: z.preprocess(text, z.string()),
    })
    .transform((value, ctx) => {
      // Every check here, not in the object, so that one pass reports every problem at once.
      const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", message, path: [path] });
      const nameProblem = (name: string, missing: string) =>
        name.trim() === "" ? missing : name.length > MAX_TEXT ? messages.tooLong : null;
      const givenProblem = nameProblem(value.givenName, messages.givenName);
      const familyProblem = nameProblem(value.familyName, messages.familyName);
      if (givenProblem) issue("givenName", givenProblem);
      if (familyProblem) issue("familyName", familyProblem);
      const dob = parseDateOfBirth({ day: value.dateOfBirthDay, month: value.dateOfBirthMonth, year: value.dateOfBirthYear }, today);
      if (!dob.ok) issue("dateOfBirth", { missing: messages.dateOfBirthMissing, invalid: messages.dateOfBirthInvalid, future: messages.dateOfBirthFuture }[dob.problem]);
      const postcode = value.postcode.trim() === "" ? null : parsePostcode(value.postcode);
      if (postcode === null) issue("postcode", messages.postcodeMissing);
      else if (!postcode.ok) issue("postcode", messages.postcodeInvalid);
      const nhs = value.nhsNumber.trim() === "" ? null : parseNhsNumber(value.nhsNumber);
      if (nhs && !nhs.ok) issue("nhsNumber", messages.nhsNumberInvalid);
      const email = value.email.trim() === "" ? null : parseEmail(value.email);
      const mobile = value.mobile.trim() === "" ? null : parseUkMobile(value.mobile);
      if (email === null && mobile === null) issue("email", messages.contactMissing);
      if (email && !email.ok) issue("email", messages.emailInvalid);
      if (mobile && !mobile.ok) issue("mobile", messages.mobileInvalid);
      if (givenProblem || familyProblem || !dob.ok || !postcode?.ok || (nhs && !nhs.ok) || (email && !email.ok) || (mobile && !mobile.ok) || (email === null && mobile === null)) {
        return z.NEVER;
      }
      return {
        givenName: value.givenName,
        familyName: value.familyName,
        dateOfBirth: dob.value,
        postcode: postcode.value,
        nhsNumber: nhs?.ok ? nhs.value : null,
        email: email?.ok ? email.value : null,
        mobile: mobile?.ok ? mobile.value : null,
      };
    });
}

export function kindSchema(messages: RequestFormMessages) {
  return z.object({ kind: z.enum(REQUEST_KINDS, { error: messages.kind }) });
}

const ticked = (message: string) => z.literal("yes", { error: message });

/** What someone asking for access said about reaching them safely, normalised. */
export interface SafeContact {
  contactWay: ContactWay;
  /** E.164, and only when the safe way is the phone. */
  contactPhone?: string;
  contactTime: string;
}

const SAFE_CONTACT_FIELDS = { contactWay: z.preprocess(text, z.string()), contactPhone: z.preprocess(text, z.string()), contactTime: z.preprocess(text, z.string()) };

/**
 * Checks the safe-contact answers, reporting each problem through `issue`; the answers when there
 * is none. The number is asked (and checked) only when the phone is the safe way: a number typed
 * before choosing another way is dropped, never stored.
 */
function checkSafeContact(
  value: { contactWay: string; contactPhone: string; contactTime: string },
  messages: SafeContactMessages,
  issue: (path: string, message: string) => void,
): SafeContact | null {
  const way = CONTACT_WAYS.find((w) => w === value.contactWay) ?? null;
  if (!way) issue("contactWay", messages.contactWay);
  const phone = way === "phone" ? (value.contactPhone.trim() === "" ? null : parseUkPhone(value.contactPhone)) : undefined;
  if (phone === null) issue("contactPhone", messages.contactPhoneMissing);
  else if (phone && !phone.ok) issue("contactPhone", messages.contactPhoneInvalid);
  const time = value.contactTime.trim();
  const timeProblem = time === "" ? messages.contactTime : time.length > MAX_TEXT ? messages.tooLong : null;
  if (timeProblem) issue("contactTime", timeProblem);
  if (!way || phone === null || (phone && !phone.ok) || timeProblem) return null;
  return { contactWay: way, ...(phone?.ok ? { contactPhone: phone.value } : {}), contactTime: time };
}

/** The safe-contact questions alone: part of an opt-in, and of an opt-in staff enter for a patient. */
export function safeContactSchema(messages: SafeContactMessages) {
  return z.object(SAFE_CONTACT_FIELDS).transform((value, ctx): SafeContact => {
    const checked = checkSafeContact(value, messages, (path, message) => ctx.addIssue({ code: "custom", message, path: [path] }));
    return checked ?? z.NEVER;
  });
}

const DECLARATIONS = ["declarationUpsetting", "declarationLoginSafe", "declarationTellPractice"] as const;

/** Step "the kind's questions": different for each kind of request. */
export function questionsSchema(kind: RequestKind, messages: RequestFormMessages) {
  switch (kind) {
    case "opt-out":
      return z.object({ optOutScope: z.enum(OPT_OUT_SCOPES, { error: messages.optOutScope }) });
    case "opt-in":
      return z
        .object({
          declarationUpsetting: z.preprocess(text, z.string()),
          declarationLoginSafe: z.preprocess(text, z.string()),
          declarationTellPractice: z.preprocess(text, z.string()),
          ...SAFE_CONTACT_FIELDS,
        })
        .transform((value, ctx) => {
          // Every check here, so that one pass reports every problem at once, in page order.
          const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", message, path: [path] });
          const unticked = DECLARATIONS.filter((name) => value[name] !== "yes");
          for (const name of unticked) issue(name, messages[name]);
          const contact = checkSafeContact(value, messages, issue);
          if (unticked.length > 0 || !contact) return z.NEVER;
          return { declarationUpsetting: "yes", declarationLoginSafe: "yes", declarationTellPractice: "yes", ...contact } as const;
        });
    case "withdraw-opt-out":
      return z.object({ withdrawConfirm: ticked(messages.withdrawConfirm) });
    default: {
      const unhandled: never = kind;
      throw new Error(`Unhandled request kind: ${String(unhandled)}`);
    }
  }
}

/**
 * The answers to store for a kind's questions: as typed, except the safe phone number, kept in
 * the one form every reader can dial (E.164), and kept only when the phone is the safe way.
 */
export function questionAnswersToStore(values: Record<string, string>, parsed: Record<string, unknown>): Record<string, string> {
  const { contactPhone: _typed, ...rest } = values;
  return typeof parsed.contactPhone === "string" ? { ...rest, contactPhone: parsed.contactPhone } : rest;
}

/** The fields each kind's questions step owns, in page order (for the error summary and hidden fields). */
export const QUESTION_FIELDS: Record<RequestKind, readonly string[]> = {
  "opt-out": ["optOutScope"],
  "opt-in": ["declarationUpsetting", "declarationLoginSafe", "declarationTellPractice", "contactWay", "contactPhone", "contactTime"],
  "withdraw-opt-out": ["withdrawConfirm"],
};

export const DETAILS_FIELDS = [
  "givenName",
  "familyName",
  "dateOfBirthDay",
  "dateOfBirthMonth",
  "dateOfBirthYear",
  "postcode",
  "nhsNumber",
  "email",
  "mobile",
] as const;

/**
 * The identity someone claimed on the online form, read back from the answers as stored, for staff
 * comparing it with a patient on the list. Null when the answers hold no such claim (a personal
 * link or a request staff entered).
 */
export function claimFromAnswers(answers: Record<string, string>): ClaimedIdentity | null {
  const familyName = answers.familyName?.trim();
  const [day, month, year] = [answers.dateOfBirthDay, answers.dateOfBirthMonth, answers.dateOfBirthYear].map((p) => Number(p?.trim()));
  if (!familyName || !day || !month || !year) return null;
  const nhs = answers.nhsNumber ? parseNhsNumber(answers.nhsNumber) : null;
  return {
    givenName: answers.givenName?.trim() ?? "",
    familyName,
    dateOfBirth: formatIsoDay({ year, month, day }),
    postcode: answers.postcode?.trim() ?? "",
    nhsNumber: nhs?.ok ? nhs.value : null,
  };
}

export function isRequestKind(value: unknown): value is RequestKind {
  return typeof value === "string" && (REQUEST_KINDS as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------

/** 32 characters, none easily mistaken for another: no 0/O, no 1/I. */
export const REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const REFERENCE_PATTERN = new RegExp(`^RQ-[${REFERENCE_ALPHABET}]{4}-[${REFERENCE_ALPHABET}]{4}$`);

/** "RQ-7K3F-9QX2" from 8 random bytes (32 divides 256, so every character is equally likely). */
export function referenceFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 8) throw new RangeError("A reference needs 8 random bytes");
  const chars = Array.from(bytes.subarray(0, 8), (b) => REFERENCE_ALPHABET[b % 32]).join("");
  return `RQ-${chars.slice(0, 4)}-${chars.slice(4)}`;
}

export function isRequestReference(value: unknown): value is string {
  return typeof value === "string" && REFERENCE_PATTERN.test(value);
}
