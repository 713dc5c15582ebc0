// A submission's answers as staff should read them: each question in the
// words its form asked it, each answer in the words the sender chose (the
// label of the option they picked, the sentence they ticked), never a stored
// code. The questions are the very constants the forms render, so the two
// cannot drift apart (DESIGN §2: "the staff view shows the patient's answers
// in the words the patient read").

import { formatLongDay } from "../domain/calendar";
import { formatUkPhone, parseUkPhone } from "../domain/contact";
import { formatNhsNumber, parseNhsNumber } from "../domain/nhs-number";
import { parseDateOfBirth } from "../domain/request-forms";
import { KIND_LABELS, requestsContent } from "./requests";
import { identityMethodNames, newRequestContent } from "./review-queue";

export interface AnswerRow {
  question: string;
  answer: string;
}

const details = requestsContent.details;
const optOut = requestsContent.questions["opt-out"];
const optIn = requestsContent.questions["opt-in"];
const withdraw = requestsContent.questions["withdraw-opt-out"];

export const answerWords = {
  head: ["Question", "Answer"],
  ticked: "Yes, I confirm (ticked)",
  notTicked: "Not ticked",
  notGiven: requestsContent.check.notGiven,
  /** A stored value the form never offered (a damaged or very old submission): shown, and said to be odd. */
  notAnOption: (stored: string) => `"${stored}" (not one of the form's answers)`,
  enteredBy: "Who entered it",
};

type Option = { value: string; label: string };
const labelOf = (options: readonly Option[]) => (stored: string) => options.find((o) => o.value === stored)?.label ?? answerWords.notAnOption(stored);
const labelIn = (labels: Partial<Record<string, string>>) => (stored: string) => labels[stored] ?? answerWords.notAnOption(stored);
const tickBox = (stored: string) => (stored === "yes" ? answerWords.ticked : answerWords.notTicked);
const typedOrNotGiven = (stored: string) => (stored.trim() === "" ? answerWords.notGiven : stored);
const asTyped = (stored: string) => stored;

function nhsNumber(stored: string): string {
  if (stored.trim() === "") return answerWords.notGiven;
  const parsed = parseNhsNumber(stored);
  return parsed.ok ? formatNhsNumber(parsed.value) : stored;
}

function phoneNumber(stored: string): string {
  const parsed = parseUkPhone(stored);
  return parsed.ok ? formatUkPhone(parsed.value) : typedOrNotGiven(stored);
}

/** The staff form's identity checks by the words staff chose; the other methods by their names. */
const identityCheckWords: Partial<Record<string, string>> = { ...identityMethodNames, ...newRequestContent.identityCheckNames };

/**
 * Every key a form stores, in the order the forms ask (staff's identity check first: a request
 * staff entered has no patient's details), with its question and how its answer reads.
 * The date of birth is asked in three boxes and read as one date (see answerRows).
 */
export const ANSWER_QUESTIONS = {
  identityCheck: { question: newRequestContent.identityLegend, answer: labelIn(identityCheckWords) },
  kind: { question: requestsContent.start.legend, answer: labelIn(KIND_LABELS) },
  givenName: { question: details.givenName, answer: asTyped },
  familyName: { question: details.familyName, answer: asTyped },
  dateOfBirth: { question: details.dateOfBirth, answer: asTyped },
  postcode: { question: details.postcode, answer: asTyped },
  nhsNumber: { question: details.nhsNumber, answer: nhsNumber },
  email: { question: details.email, answer: typedOrNotGiven },
  mobile: { question: details.mobile, answer: typedOrNotGiven },
  optOutScope: { question: optOut.title, answer: labelOf(optOut.options) },
  declarationUpsetting: { question: optIn.declarationUpsetting, answer: tickBox },
  declarationLoginSafe: { question: optIn.declarationLoginSafe, answer: tickBox },
  declarationTellPractice: { question: optIn.declarationTellPractice, answer: tickBox },
  contactWay: { question: optIn.contactWay, answer: labelOf(optIn.contactWays) },
  contactPhone: { question: optIn.contactPhone, answer: phoneNumber },
  contactTime: { question: optIn.contactTime, answer: asTyped },
  withdrawConfirm: { question: withdraw.withdrawConfirm, answer: tickBox },
  notes: { question: newRequestContent.notesLabel, answer: asTyped },
} satisfies Record<string, { question: string; answer: (stored: string) => string }>;

export type AnswerKey = keyof typeof ANSWER_QUESTIONS;
const ANSWER_ORDER = Object.keys(ANSWER_QUESTIONS) as AnswerKey[];
const DATE_OF_BIRTH_PARTS = ["dateOfBirthDay", "dateOfBirthMonth", "dateOfBirthYear"] as const;

/** The three boxes as a date ("15 March 1984"), or as typed when they do not make one. */
function dateOfBirth(answers: Record<string, string>): string {
  const [day = "", month = "", year = ""] = DATE_OF_BIRTH_PARTS.map((part) => answers[part] ?? "");
  // Any day will do as "today": the form refused future dates when it was sent.
  const parsed = parseDateOfBirth({ day, month, year }, "9999-12-31");
  return parsed.ok ? formatLongDay(parsed.value) : [day, month, year].join(" / ");
}

/**
 * A submission's stored answers as rows to show staff, in the form's order. A key no form stores
 * comes last, under its own name. The safe phone number shows only when the phone is the safe way.
 */
export function answerRows(answers: Record<string, string>): AnswerRow[] {
  const rows: AnswerRow[] = [];
  for (const key of ANSWER_ORDER) {
    const { question, answer } = ANSWER_QUESTIONS[key];
    if (key === "dateOfBirth") {
      if (DATE_OF_BIRTH_PARTS.some((part) => answers[part] !== undefined)) rows.push({ question, answer: dateOfBirth(answers) });
      continue;
    }
    const stored = answers[key];
    if (stored === undefined) continue;
    if (key === "contactPhone" && answers.contactWay !== undefined && answers.contactWay !== "phone") continue;
    rows.push({ question, answer: answer(stored) });
  }
  const known = new Set<string>([...ANSWER_ORDER, ...DATE_OF_BIRTH_PARTS]);
  for (const [key, stored] of Object.entries(answers)) if (!known.has(key)) rows.push({ question: key, answer: stored });
  return rows;
}

/** For a request staff took on the patient's behalf: how it came in and who took it, in the staff form's words. */
export function staffEntryRows(entry: { channel: string | null; takenBy: string | null; enteredBy?: string | null }): AnswerRow[] {
  if (!entry.takenBy) return [];
  const channelNames: Partial<Record<string, string>> = newRequestContent.channelNames;
  const rows: AnswerRow[] = [];
  if (entry.channel) rows.push({ question: newRequestContent.channelLegend, answer: channelNames[entry.channel] ?? answerWords.notAnOption(entry.channel) });
  rows.push({ question: newRequestContent.takenByLabel, answer: entry.takenBy });
  if (entry.enteredBy && entry.enteredBy !== entry.takenBy) rows.push({ question: answerWords.enteredBy, answer: entry.enteredBy });
  return rows;
}
