import type { Writable } from "node:stream";
import type postgres from "postgres";
import { parse } from "csv-parse/sync";
import { withoutPractice, withPractice, withPracticeSql } from "../../db/tenancy.server";
import { hashToken, randomToken } from "../auth/tokens.server";
import { getEnv } from "../env.server";
import { registrationRefusalMessage } from "../content/registration-refusals";
import { effectiveAccessState } from "../domain/access-state";
import { formatLongDay, formatLongUkDate, ukLocalDay } from "../domain/calendar";
import { EXCLUSION_LABELS, exclusionReason } from "../domain/campaign-cohort";
import {
  checkRegistrationRow,
  letterBlocks,
  linkageKeyName,
  registrationExpiry,
  type RegistrationDetails,
  type RegistrationField,
} from "../domain/letters";
import {
  isCampaignTemplateKey,
  practiceContact,
  templateCarriesPersonalLink,
  type CampaignTemplateKey,
  type TemplateKey,
} from "../domain/message-templates";
import { PERSONAL_LINK_DAYS } from "../domain/outbox";
import { registrationLetterRefusal } from "../domain/registration-letter-rules";
import { formatNhsNumber } from "../domain/nhs-number";
import { outcomeTemplateForDecision, type OptOutScope } from "../domain/access-decision";
import { createLetterWriter, type LetterRecipient, type LetterSender } from "../letters/letter-pdf.server";
import { getCampaign } from "../models/campaigns.server";
import {
  insertLetterBatch,
  insertLetterMessage,
  insertLetters,
  listCampaignLetterPatients,
  listLetterBatches,
  letterPatientOf,
  listLetterPatientsByNhsNumber,
  listRegistrationFacts,
  listWaitingOutcomeLetters,
  type WaitingOutcomeLetter,
  markLetterBatchPrinted,
  type LetterBatchRow,
  type LetterPatient,
} from "../models/letters.server";
import { upsertPersonalLinks } from "../models/outbox.server";
import { appendAuditEventSql } from "../models/audit.server";
import { getDecisionOfRequest } from "../models/decisions.server";
import { getPatientByNhsNumber } from "../models/patients.server";
import { getMessageProgress, getPatientForReview, getRequestForReview } from "../models/request-review.server";
import { getPracticeById } from "../models/practices.server";
import { accessStateOfPatient, buildHistories } from "./access-states.server";
import { campaignVariables, listPracticeCampaignSummaries } from "./campaigns.server";
import { prepareTemplate, personalise } from "./message-render.server";
import type { StaffContext } from "./staff-session.server";

// Printed letters (issue 8). Producing a batch happens in two steps so that
// nothing is printed from bad input: `prepare…` checks every row and records
// the batch (letters and audit, never a key) in one transaction, or changes
// nothing and names each problem; the prepared batch's `write` then streams
// the PDF. Keys exist only in memory, until the PDF is written.

/** Who is producing letters: a member of staff, or the command line. */
export interface LetterActor {
  practiceId: string;
  staffId: string | null;
  role: string;
}

export function letterActorOf(context: StaffContext): LetterActor {
  return { practiceId: context.practice.id, staffId: context.user.id, role: context.role };
}

/** A problem with one row of a batch file, or with the file itself (row null). */
export interface LetterProblem {
  row: number | null;
  field: RegistrationField | null;
  message: string;
}

export type PreparedResult = { ok: true; letters: PreparedLetters } | { ok: false; problems: LetterProblem[] };

/** A recorded batch, ready to be written: everything the PDF needs, held only until it is written. */
export interface PreparedLetters {
  batchId: string;
  count: number;
  fileName: string;
  write(output: Writable): Promise<{ pages: number }>;
}

export const MAX_BATCH_LETTERS = 10_000;
const NO_CAMPAIGN_LETTERS = "This campaign has no patients who need a letter.";
const REGISTRATION_COLUMNS: Record<string, RegistrationField> = {
  nhs_number: "nhsNumber",
  account_id: "accountId",
  linkage_key: "linkageKey",
  passphrase: "linkageKey",
};

export interface RegistrationRow extends Record<RegistrationField, string> {
  /** As a spreadsheet numbers it: the header is row 1. */
  row: number;
}

/**
 * A registration batch file (`nhs_number,account_id,linkage_key`, as EMIS Web or SystmOne export
 * it; `passphrase` is read as linkage_key). Read in memory: it holds keys, so it never touches disk.
 */
export function readRegistrationCsv(text: string): { ok: true; rows: RegistrationRow[] } | { ok: false; problems: LetterProblem[] } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return { ok: false, problems: [{ row: line ?? null, field: null, message: `The file could not be read as CSV${line ? ` at row ${line}` : ""}: check its quotes and commas.` }] };
  }
  const [header, ...body] = records;
  // "NHS Number", "nhs_number" and "NHS-number" are all the same column.
  const columns = (header ?? []).map((name) => REGISTRATION_COLUMNS[name.trim().toLowerCase().replace(/[\s-]+/g, "_")] ?? null);
  const missing = (["nhsNumber", "accountId", "linkageKey"] as const).filter((field) => !columns.includes(field));
  if (missing.length > 0) {
    return { ok: false, problems: [{ row: 1, field: null, message: "The first row must name the columns nhs_number, account_id and linkage_key (or passphrase)." }] };
  }
  if (body.length === 0) return { ok: false, problems: [{ row: null, field: null, message: "The file has no letters in it: only a header row." }] };
  if (body.length > MAX_BATCH_LETTERS) {
    return { ok: false, problems: [{ row: null, field: null, message: `A batch can hold at most ${MAX_BATCH_LETTERS.toLocaleString("en-GB")} letters: split the file.` }] };
  }
  return {
    ok: true,
    rows: body.map((record, index) => {
      const row: RegistrationRow = { row: index + 2, nhsNumber: "", accountId: "", linkageKey: "" };
      columns.forEach((field, i) => {
        if (field) row[field] = record[i] ?? "";
      });
      return row;
    }),
  };
}

async function senderOf(practiceId: string) {
  const practice = await withoutPractice((tx) => getPracticeById(tx, practiceId));
  if (!practice) throw new Error(`practice ${practiceId} not found`);
  const contact = practiceContact(practice);
  const sender: LetterSender = { name: contact.name, addressLines: contact.addressLines, postcode: contact.postcode, phone: contact.phone, email: contact.email, odsCode: practice.odsCode };
  return { sender, contact, practice, clinicalSystem: practice.clinicalSystem, odsCode: practice.odsCode };
}

function recipientOf(patient: LetterPatient, largePrint: boolean): LetterRecipient {
  const name = `${patient.givenName} ${patient.familyName}`;
  return {
    addressLines: [name, ...patient.addressLines, ...(patient.postcode ? [patient.postcode] : [])],
    salutationName: name,
    largePrint: largePrint || patient.largePrint,
  };
}

/** Why no letter can go to this patient, or null. */
function whyNoLetter(patient: LetterPatient): string | null {
  const name = `${patient.givenName} ${patient.familyName}`;
  if (patient.deceased) return `${name} is recorded as deceased`;
  if (!patient.registered) return `${name} is no longer registered at the practice`;
  if (patient.addressLines.length === 0 && !patient.postcode) return `${name} has no address on record`;
  return null;
}

const fileDay = (now: Date) => ukLocalDay(now);

interface CheckedRegistration {
  letters: { patient: LetterPatient; details: RegistrationDetails }[];
}

/**
 * Why each patient may not be sent a registration letter on `today` (issue 18): under 16, or
 * needing a clinician's grant first. For a whole batch at once, so a file of 5,000 rows costs a
 * handful of queries, not one per row.
 */
async function registrationRefusals(tx: postgres.TransactionSql, practiceId: string, patients: LetterPatient[], today: string): Promise<Map<string, string>> {
  const facts = await listRegistrationFacts(tx, practiceId, patients.map((p) => p.id));
  const histories = buildHistories(facts.entries, facts.decisions);
  const byId = new Map(facts.patients.map((p) => [p.id, p]));
  const refusals = new Map<string, string>();
  for (const patient of patients) {
    const fact = byId.get(patient.id);
    if (!fact) throw new Error(`patient ${patient.id} vanished while checking a registration batch`);
    const { enhancedReview } = effectiveAccessState(histories.get(patient.id) ?? { entries: [] });
    const refusal = registrationLetterRefusal({ ...fact, enhancedReview }, today);
    if (refusal) refusals.set(patient.id, registrationRefusalMessage(`${patient.givenName} ${patient.familyName}`, refusal));
  }
  return refusals;
}

/** Every problem with a registration batch, row by row, or the letters it would make. Changes nothing. */
async function checkRegistration(tx: postgres.TransactionSql, actor: LetterActor, rows: RegistrationRow[], today: string): Promise<{ ok: true; checked: CheckedRegistration } | { ok: false; problems: LetterProblem[] }> {
  const problems: LetterProblem[] = [];
  const checked: { row: number; details: RegistrationDetails }[] = [];
  const rowOfNhsNumber = new Map<string, number>();
  for (const row of rows) {
    const result = checkRegistrationRow(row);
    if (!result.ok) {
      for (const p of result.problems) problems.push({ row: row.row, field: p.field, message: `Row ${row.row}: ${p.message}.` });
      continue;
    }
    const earlier = rowOfNhsNumber.get(result.details.nhsNumber);
    if (earlier !== undefined) {
      problems.push({ row: row.row, field: "nhsNumber", message: `Row ${row.row}: NHS number ${formatNhsNumber(result.details.nhsNumber)} is also on row ${earlier}: one letter per patient.` });
      continue;
    }
    rowOfNhsNumber.set(result.details.nhsNumber, row.row);
    checked.push({ row: row.row, details: result.details });
  }
  const found = new Map((await listLetterPatientsByNhsNumber(tx, actor.practiceId, checked.map((c) => c.details.nhsNumber))).map((p) => [p.nhsNumber, p]));
  const refusals = await registrationRefusals(tx, actor.practiceId, [...found.values()], today);
  const letters: CheckedRegistration["letters"] = [];
  for (const { row, details } of checked) {
    const patient = found.get(details.nhsNumber);
    const why = patient ? (whyNoLetter(patient) ?? refusals.get(patient.id) ?? null) : `no patient at the practice has NHS number ${formatNhsNumber(details.nhsNumber)}`;
    if (why || !patient) problems.push({ row, field: "nhsNumber", message: `Row ${row}: ${why}.` });
    else letters.push({ patient, details });
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)) };
  if (letters.length === 0) return { ok: false, problems: [{ row: null, field: null, message: "There are no letters to produce." }] };
  return { ok: true, checked: { letters } };
}

/** The problems with a registration batch, without producing or recording anything (none: it can be produced). */
export async function registrationProblems(actor: LetterActor, rows: RegistrationRow[], now = new Date()): Promise<LetterProblem[]> {
  const result = await withPracticeSql(actor.practiceId, (tx) => checkRegistration(tx, actor, rows, ukLocalDay(now)));
  return result.ok ? [] : result.problems;
}

/**
 * Checks a registration batch (or one letter: a batch of one) and records it. `largePrint` sets
 * every letter in large print; otherwise each follows the patient's record.
 */
export async function prepareRegistrationLetters(
  actor: LetterActor,
  rows: RegistrationRow[],
  options: { largePrint: boolean },
  now = new Date(),
): Promise<PreparedResult> {
  const { sender, clinicalSystem, odsCode } = await senderOf(actor.practiceId);
  return withPracticeSql(actor.practiceId, async (tx): Promise<PreparedResult> => {
    const check = await checkRegistration(tx, actor, rows, ukLocalDay(now));
    if (!check.ok) return check;
    const { letters } = check.checked;
    const batchId = await insertLetterBatch(tx, { practiceId: actor.practiceId, kind: "registration", campaignId: null, templateKey: null, letterCount: letters.length, producedBy: actor.staffId });
    await insertLetters(
      tx,
      { id: batchId, practiceId: actor.practiceId, kind: "registration", templateKey: null, producedBy: actor.staffId, actorRole: actor.role },
      letters.map(({ patient }) => ({ patientId: patient.id, messageId: null, largePrint: options.largePrint || patient.largePrint })),
    );
    const issuedOn = ukLocalDay(now);
    const keyName = linkageKeyName(clinicalSystem);
    return {
      ok: true,
      letters: {
        batchId,
        count: letters.length,
        fileName: `registration-letters-${odsCode}-${fileDay(now)}.pdf`,
        async write(output) {
          const writer = createLetterWriter(output, { sender, total: letters.length, title: `NHS App registration letters, ${sender.name}` });
          for (const { patient, details } of letters) {
            await writer.registration({
              recipient: recipientOf(patient, options.largePrint),
              issuedOn: formatLongDay(issuedOn),
              expiresOn: formatLongDay(registrationExpiry(issuedOn)),
              accountId: details.accountId,
              linkageKey: details.linkageKey,
              keyName,
            });
          }
          await writer.end();
          return { pages: writer.pages };
        },
      },
    };
  });
}

/** A postal message: the patient, its row in the outbox (which its personal link belongs to), and that row's values. */
interface MessageLetterPlan {
  patient: LetterPatient;
  messageId: string;
  variables: Record<string, string>;
}

/** Records a batch of postal messages, with a fresh personal link for each (only the newest link works). */
async function prepareMessageLetters(
  actor: LetterActor,
  input: { templateKey: TemplateKey; campaignId: string | null; plans: MessageLetterPlan[]; largePrint: boolean; fileName: string },
  now: Date,
): Promise<PreparedResult> {
  const { sender, contact } = await senderOf(actor.practiceId);
  const withLinks = templateCarriesPersonalLink(input.templateKey);
  const prepared = await prepareTemplate(input.templateKey, contact);
  const expiresAt = new Date(now.getTime() + PERSONAL_LINK_DAYS * 86_400_000);
  const publicUrl = getEnv().publicUrl;
  const messageFor = (plan: MessageLetterPlan, linkUrl: string | undefined) =>
    personalise(prepared, {
      firstName: plan.patient.givenName,
      linkUrl,
      linkExpires: formatLongUkDate(expiresAt),
      reference: plan.variables.reference,
      date: plan.variables.date,
    });
  // A template that cannot be filled in fails here, before anything is recorded, not half-way through the PDF.
  try {
    messageFor(input.plans[0]!, withLinks ? `${publicUrl}/r/check` : undefined);
  } catch (error) {
    return { ok: false, problems: [{ row: null, field: null, message: `The letters could not be prepared: ${(error as Error).message}.` }] };
  }
  return withPracticeSql(actor.practiceId, async (tx): Promise<PreparedResult> => {
    const batchId = await insertLetterBatch(tx, {
      practiceId: actor.practiceId,
      kind: "message",
      campaignId: input.campaignId,
      templateKey: input.templateKey,
      letterCount: input.plans.length,
      producedBy: actor.staffId,
    });
    await insertLetters(
      tx,
      { id: batchId, practiceId: actor.practiceId, kind: "message", templateKey: input.templateKey, producedBy: actor.staffId, actorRole: actor.role },
      input.plans.map(({ patient, messageId }) => ({ patientId: patient.id, messageId, largePrint: input.largePrint || patient.largePrint })),
    );
    // A fresh personal link for each letter of a template that carries one: only the newest link works.
    const links = new Map<string, string>();
    const linkRows = (withLinks ? input.plans : []).map(({ patient, messageId }) => {
      const token = randomToken();
      links.set(messageId, `${publicUrl}/r/${token}`);
      return { messageId, patientId: patient.id, tokenHash: hashToken(token), expiresAt };
    });
    await upsertPersonalLinks(tx, actor.practiceId, linkRows);
    return {
      ok: true,
      letters: {
        batchId,
        count: input.plans.length,
        fileName: input.fileName,
        async write(output) {
          const writer = createLetterWriter(output, { sender, total: input.plans.length, title: `Letters from ${sender.name}` });
          for (const plan of input.plans) {
            const message = messageFor(plan, links.get(plan.messageId));
            await writer.message({ recipient: recipientOf(plan.patient, input.largePrint), date: formatLongUkDate(now), blocks: letterBlocks(message.text) });
          }
          await writer.end();
          return { pages: writer.pages };
        },
      },
    };
  });
}

/** A campaign's "needs a letter" patients, as postal messages. */
export async function prepareCampaignLetters(
  actor: LetterActor,
  campaignId: string,
  options: { largePrint: boolean },
  now = new Date(),
): Promise<PreparedResult | null> {
  const found = await withPracticeSql(actor.practiceId, async (tx) => {
    const campaign = await getCampaign(tx, campaignId);
    return campaign ? { campaign, recipients: await listCampaignLetterPatients(tx, actor.practiceId, campaignId) } : null;
  });
  if (!found) return null;
  const { campaign, recipients } = found;
  if (!isCampaignTemplateKey(campaign.templateKey)) return null;
  // Someone who has died or left since the campaign was planned is not written to.
  const plans = recipients.filter(({ patient }) => whyNoLetter(patient) === null);
  if (plans.length === 0) return { ok: false, problems: [{ row: null, field: null, message: NO_CAMPAIGN_LETTERS }] };
  const { odsCode } = await senderOf(actor.practiceId);
  return prepareMessageLetters(
    actor,
    { templateKey: campaign.templateKey, campaignId, plans, largePrint: options.largePrint, fileName: `campaign-letters-${odsCode}-${fileDay(now)}.pdf` },
    now,
  );
}

/** Why a campaign's letters cannot be produced now (the letters page says so when they could not be). */
export async function campaignLettersProblem(actor: LetterActor, campaignId: string): Promise<string> {
  const found = await withPracticeSql(actor.practiceId, async (tx) => {
    const campaign = await getCampaign(tx, campaignId);
    return campaign ? (await listCampaignLetterPatients(tx, actor.practiceId, campaignId)).filter(({ patient }) => whyNoLetter(patient) === null).length : null;
  });
  if (found === null) return "There is no such campaign.";
  return found === 0 ? NO_CAMPAIGN_LETTERS : "Nothing is wrong now: produce the letters again.";
}

/**
 * Whether one patient may get a message by post: the same rules as a campaign (DESIGN §2
 * "Safeguarding"), so the invitation goes only to a patient with an active 104 whose contact is
 * private to them. The patient, or the problem.
 */
async function checkSingleMessage(
  actor: LetterActor,
  input: { nhsNumber: string; templateKey: CampaignTemplateKey },
  now: Date,
): Promise<{ ok: true; patient: LetterPatient } | { ok: false; problems: LetterProblem[] }> {
  const problem = (message: string): { ok: false; problems: LetterProblem[] } => ({ ok: false, problems: [{ row: null, field: "nhsNumber", message }] });
  const checked = await withPractice(actor.practiceId, async (tx) => {
    const record = await getPatientByNhsNumber(tx, actor.practiceId, input.nhsNumber);
    if (!record) return null;
    return { record, access: await accessStateOfPatient(tx, actor.practiceId, record.id) };
  });
  if (!checked) return problem(`No patient at the practice has NHS number ${formatNhsNumber(input.nhsNumber)}.`);
  const { record, access } = checked;
  const patient = letterPatientOf(record);
  const why = whyNoLetter(patient);
  if (why) return problem(`${why}.`);
  const reason = exclusionReason(input.templateKey, { ...record, registered: patient.registered, state: access.state }, ukLocalDay(now));
  if (reason) return problem(`This message cannot go to ${record.givenName} ${record.familyName}: ${EXCLUSION_LABELS[reason].toLowerCase()}.`);
  return { ok: true, patient };
}

/** The problems with one patient's postal message, changing nothing (none: it can be produced). */
export async function singleMessageProblems(actor: LetterActor, input: { nhsNumber: string; templateKey: CampaignTemplateKey }, now = new Date()): Promise<LetterProblem[]> {
  const check = await checkSingleMessage(actor, input, now);
  return check.ok ? [] : check.problems;
}

/**
 * One patient's postal message, for a patient who asks for it on paper. Like a campaign's, the
 * letter is a row of the outbox, which its personal link belongs to.
 */
export async function prepareSingleMessageLetter(
  actor: LetterActor,
  input: { nhsNumber: string; templateKey: CampaignTemplateKey; largePrint: boolean },
  now = new Date(),
): Promise<PreparedResult> {
  const check = await checkSingleMessage(actor, input, now);
  if (!check.ok) return check;
  const { patient } = check;
  const { practice } = await senderOf(actor.practiceId);
  const variables = campaignVariables(practice, now);
  const messageId = await withPracticeSql(actor.practiceId, (tx) =>
    insertLetterMessage(tx, { practiceId: actor.practiceId, patientId: patient.id, requestId: null, templateKey: input.templateKey, variables }),
  );
  return prepareMessageLetters(
    actor,
    { templateKey: input.templateKey, campaignId: null, plans: [{ patient, messageId, variables }], largePrint: input.largePrint, fileName: `letter-${patient.nhsNumber}-${fileDay(now)}.pdf` },
    now,
  );
}


/**
 * The outcome of a decision as a letter. The outcome message is queued when the outcome is true
 * (request-steps.server.ts), as a letter when the request's contact rule allows no email: that
 * letter is printed here. For a patient told by email, this prints a paper copy of the same words.
 * Nothing before the outcome is due, and nothing for a request rejected as unverified.
 */
type OutcomeLetterCheck =
  | { problem: string }
  | { problem?: undefined; patient: LetterPatient; templateKey: TemplateKey; variables: Record<string, string>; queuedLetterId: string | null };

async function checkOutcomeLetter(actor: LetterActor, requestId: string): Promise<OutcomeLetterCheck> {
  return withPractice(actor.practiceId, async (tx): Promise<OutcomeLetterCheck> => {
    const request = await getRequestForReview(tx, actor.practiceId, requestId);
    if (!request) return { problem: "There is no such request." };
    const decision = await getDecisionOfRequest(tx, actor.practiceId, requestId);
    if (!decision || !request.patientId || decision.outcome === "rejected-unverified") {
      return { problem: "This request has no outcome to tell the patient by letter." };
    }
    const message = decision.outcomeMessageId ? await getMessageProgress(tx, actor.practiceId, decision.outcomeMessageId) : null;
    // A decision from before migration 0009 that is done was told by a letter printed on demand.
    const legacyTemplate = decision.legacy && decision.actionedAt ? outcomeTemplateForDecision({ ...decision, optOutScope: decision.optOutScope as OptOutScope | null }) : null;
    const templateKey = message && message.status !== "cancelled" ? message.templateKey : legacyTemplate;
    if (!templateKey) {
      return { problem: "The patient is told once the change is marked done in the clinical system: there is nothing to tell them yet." };
    }
    const record = await getPatientForReview(tx, actor.practiceId, request.patientId);
    const patient = letterPatientOf(record!);
    const why = whyNoLetter(patient);
    if (why) return { problem: `${why}.` };
    return {
      patient,
      templateKey,
      variables: { date: formatLongUkDate(decision.actionedAt ?? decision.decidedAt) },
      queuedLetterId: message?.channel === "letter" && message.status !== "cancelled" ? message.id : null,
    };
  });
}

/** Why the outcome letter cannot be produced (the request page says so), or null. */
export async function outcomeLetterProblem(actor: LetterActor, requestId: string): Promise<string | null> {
  const check = await checkOutcomeLetter(actor, requestId);
  return check.problem ?? null;
}

export async function prepareOutcomeLetter(actor: LetterActor, requestId: string, options: { largePrint: boolean }, now = new Date()): Promise<PreparedResult> {
  const check = await checkOutcomeLetter(actor, requestId);
  if (check.problem !== undefined) return { ok: false, problems: [{ row: null, field: null, message: check.problem }] };
  const { patient, templateKey, variables } = check;
  // The queued letter itself when there is one; a paper copy of an email is a letter row of its own.
  const messageId =
    check.queuedLetterId ??
    (await withPracticeSql(actor.practiceId, (tx) =>
      insertLetterMessage(tx, { practiceId: actor.practiceId, patientId: patient.id, requestId, templateKey, variables }),
    ));
  return prepareMessageLetters(
    actor,
    { templateKey, campaignId: null, plans: [{ patient, messageId, variables }], largePrint: options.largePrint, fileName: `outcome-letter-${patient.nhsNumber}-${fileDay(now)}.pdf` },
    now,
  );
}

export async function listBatches(context: StaffContext, limit = 50): Promise<LetterBatchRow[]> {
  return withPracticeSql(context.practice.id, (tx) => listLetterBatches(tx, context.practice.id, limit));
}

/** Staff confirm a batch came off the printer. Audited; false when it was already marked. */
export async function markBatchPrinted(context: StaffContext, batchId: string, now = new Date()): Promise<boolean> {
  return withPracticeSql(context.practice.id, async (tx) => {
    const marked = await markLetterBatchPrinted(tx, context.practice.id, batchId, context.user.id, now);
    if (marked) {
      await appendAuditEventSql(tx, {
        practiceId: context.practice.id,
        actorId: context.user.id,
        actorRole: context.role,
        action: "letters.printed",
        subjectType: "letter-batch",
        subjectId: batchId,
      });
    }
    return marked;
  });
}

export interface CampaignLetters {
  id: string;
  templateKey: TemplateKey;
  createdAt: Date;
  startedAt: Date | null;
  letters: number;
}

/** The letters page: outcome letters waiting, campaigns with patients who need a letter, and the batches produced. */
export async function lettersOverview(
  context: StaffContext,
): Promise<{ batches: LetterBatchRow[]; campaigns: CampaignLetters[]; outcomeLetters: WaitingOutcomeLetter[] }> {
  const [batches, campaigns, outcomeLetters] = await Promise.all([
    listBatches(context),
    listPracticeCampaignSummaries(context.practice.id),
    withPracticeSql(context.practice.id, (tx) => listWaitingOutcomeLetters(tx, context.practice.id)),
  ]);
  return {
    batches,
    outcomeLetters,
    campaigns: campaigns
      .filter((c) => c.counts.letters > 0)
      .map((c) => ({ id: c.id, templateKey: c.templateKey, createdAt: c.createdAt, startedAt: c.startedAt, letters: c.counts.letters })),
  };
}
