import type postgres from "postgres";
import { instant, instantOrNull } from "../../db/timestamps.server";
import type { CodeKey } from "../domain/codes";
import type { TemplateKey } from "../domain/message-templates";
import type { DecisionOutcome } from "../domain/request-workflow";
import { addressLines } from "../domain/postal-address";

// Letter batches and the letters in them. Call inside withPracticeSql: row-
// level security keeps every query to the one practice. Registration keys are
// never passed in here: they exist only while a PDF is being written.

type Tx = postgres.TransactionSql;

/** What a letter needs of a patient: the envelope address and whether they read large print. */
export interface LetterPatient {
  id: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  addressLines: string[];
  postcode: string | null;
  largePrint: boolean;
  registered: boolean;
  deceased: boolean;
}

/** A patient's row as far as a letter needs it: a drizzle `Patient` is one too. */
export interface LetterPatientRecord {
  id: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  addressLine1: string | null;
  addressLine2: string | null;
  addressLine3: string | null;
  addressLine4: string | null;
  postcode: string | null;
  largePrint: boolean;
  registration: string;
  deceased: boolean;
}

export function letterPatientOf(row: LetterPatientRecord): LetterPatient {
  return {
    id: row.id,
    nhsNumber: row.nhsNumber,
    givenName: row.givenName,
    familyName: row.familyName,
    addressLines: addressLines(row),
    postcode: row.postcode,
    largePrint: row.largePrint,
    registered: row.registration === "registered",
    deceased: row.deceased,
  };
}

const PATIENT_COLUMNS = `p.id, p.nhs_number as "nhsNumber", p.given_name as "givenName", p.family_name as "familyName",
  p.address_line_1 as "addressLine1", p.address_line_2 as "addressLine2", p.address_line_3 as "addressLine3",
  p.address_line_4 as "addressLine4", p.postcode, p.large_print as "largePrint", p.registration, p.deceased`;

export async function listLetterPatientsByNhsNumber(tx: Tx, practiceId: string, nhsNumbers: string[]): Promise<LetterPatient[]> {
  if (nhsNumbers.length === 0) return [];
  const rows = await tx<LetterPatientRecord[]>`
    select ${tx.unsafe(PATIENT_COLUMNS)} from patients p
    where p.practice_id = ${practiceId} and p.nhs_number = any(${tx.array(nhsNumbers)}::text[])`;
  return rows.map(letterPatientOf);
}

/**
 * What decides whether each patient may be sent a registration letter, for a whole batch in three
 * queries however many rows it has: the date of birth, the at-risk review, whether a grant is in
 * force, and the coded history and decisions the effective access state is derived from. A
 * superseded decision counts for nothing: it was corrected.
 */
export async function listRegistrationFacts(tx: Tx, practiceId: string, patientIds: string[]) {
  if (patientIds.length === 0) return { patients: [], entries: [], decisions: [] };
  const ids = tx.array(patientIds);
  const [patients, entries, decisions] = await Promise.all([
    tx<{ id: string; dateOfBirth: string; confirmedAtRisk: boolean; grantedInForce: boolean }[]>`
      select p.id, p.date_of_birth::text as "dateOfBirth",
        exists (select 1 from at_risk_reviews r
                where r.practice_id = p.practice_id and r.patient_id = p.id and r.outcome = 'confirmed-at-risk') as "confirmedAtRisk",
        -- A clinician's grant that answers today's concerns: made knowing of the 104, after a
        -- counselling conversation, done, and later than every 104 and at-risk review since.
        exists (select 1 from decisions d
                where d.practice_id = p.practice_id and d.patient_id = p.id and d.outcome = 'granted' and d.superseded_at is null
                  and not d.legacy and d.had_active_104 and d.counselled_on is not null and d.actioned_at is not null
                  and not exists (select 1 from coded_entries e
                                  where e.practice_id = p.practice_id and e.patient_id = p.id and e.code = '104'
                                    and coalesce(e.recorded_at, (e.recorded_on + 1)::timestamp at time zone 'Europe/London') > d.decided_at)
                  and not exists (select 1 from at_risk_reviews r
                                  where r.practice_id = p.practice_id and r.patient_id = p.id and r.reviewed_at > d.decided_at)) as "grantedInForce"
      from patients p
      where p.practice_id = ${practiceId} and p.id = any(${ids}::uuid[])`,
    tx<{ patientId: string; code: CodeKey; recordedOn: string; recordedAt: string | null }[]>`
      select patient_id as "patientId", code, recorded_on::text as "recordedOn", recorded_at as "recordedAt"
      from coded_entries
      where practice_id = ${practiceId} and patient_id = any(${ids}::uuid[])`,
    tx<{ patientId: string; outcome: DecisionOutcome; codeToEnter: CodeKey | null; decidedAt: string; confirmedAt: string | null }[]>`
      select patient_id as "patientId", outcome, code_to_enter as "codeToEnter", decided_at as "decidedAt", confirmed_at as "confirmedAt"
      from decisions
      where practice_id = ${practiceId} and patient_id = any(${ids}::uuid[]) and superseded_at is null
        -- A grant not yet done in the clinical system has lifted nothing there.
        and (outcome <> 'granted' or actioned_at is not null)`,
  ]);
  return {
    patients: [...patients],
    entries: entries.map((e) => ({ ...e, recordedAt: instantOrNull(e.recordedAt) })),
    decisions: decisions.map((d) => ({ ...d, decidedAt: instant(d.decidedAt), confirmedAt: instantOrNull(d.confirmedAt) })),
  };
}

/** A campaign's "needs a letter" patients (letter rows of the outbox), in name order for sorting the post. */
export async function listCampaignLetterPatients(tx: Tx, practiceId: string, campaignId: string) {
  const rows = await tx<(LetterPatientRecord & { messageId: string; variables: Record<string, string> })[]>`
    select m.id as "messageId", m.variables, ${tx.unsafe(PATIENT_COLUMNS)}
    from messages m join patients p on p.id = m.patient_id
    where m.practice_id = ${practiceId} and m.campaign_id = ${campaignId} and m.channel = 'letter'
    order by p.family_name, p.given_name, p.id`;
  return rows.map((row) => ({ messageId: row.messageId, variables: row.variables, patient: letterPatientOf(row) }));
}

/** A postal message for one patient (perhaps about a request), as a letter row of the outbox (the worker sends only email). */
export async function insertLetterMessage(
  tx: Tx,
  message: { practiceId: string; patientId: string; requestId: string | null; templateKey: TemplateKey; variables: Record<string, string> },
): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into messages (practice_id, patient_id, request_id, channel, template_key, variables)
    values (${message.practiceId}, ${message.patientId}, ${message.requestId}, 'letter', ${message.templateKey}, ${JSON.stringify(message.variables)}::jsonb)
    returning id`;
  return row!.id;
}

export async function insertLetterBatch(
  tx: Tx,
  batch: { practiceId: string; kind: "registration" | "message"; campaignId: string | null; templateKey: TemplateKey | null; letterCount: number; producedBy: string | null },
): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into letter_batches (practice_id, kind, campaign_id, template_key, letter_count, produced_by)
    values (${batch.practiceId}, ${batch.kind}, ${batch.campaignId}, ${batch.templateKey}, ${batch.letterCount}, ${batch.producedBy})
    returning id`;
  return row!.id;
}

/** One row per letter in the batch, and an audit event for each (who, when, for whom: never a key). */
export async function insertLetters(
  tx: Tx,
  batch: { id: string; practiceId: string; kind: "registration" | "message"; templateKey: TemplateKey | null; producedBy: string | null; actorRole: string },
  letters: { patientId: string; messageId: string | null; largePrint: boolean }[],
): Promise<void> {
  for (let i = 0; i < letters.length; i += 5000) {
    const chunk = letters.slice(i, i + 5000);
    await tx`
      with added as (
        insert into letters (practice_id, patient_id, kind, batch_id, message_id, template_key, large_print, produced_by)
        select ${batch.practiceId}, l.patient_id, ${batch.kind}, ${batch.id}, nullif(l.message_id, '')::uuid, ${batch.templateKey}, l.large_print, ${batch.producedBy}
        from unnest(${tx.array(chunk.map((l) => l.patientId))}::uuid[], ${tx.array(chunk.map((l) => l.messageId ?? ""))}::text[],
                    ${tx.array(chunk.map((l) => l.largePrint))}::boolean[]) as l(patient_id, message_id, large_print)
        returning id, patient_id, large_print
      )
      select append_audit_event(${batch.practiceId}::uuid, ${batch.producedBy}::uuid, ${batch.actorRole}, 'letter.produced',
                                'patient', a.patient_id::text,
                                jsonb_build_object('letterId', a.id, 'batchId', ${batch.id}::text, 'kind', ${batch.kind}::text,
                                                   'templateKey', ${batch.templateKey}::text, 'largePrint', a.large_print), null)
      from added a`;
  }
}

export interface LetterBatchRow {
  id: string;
  kind: "registration" | "message";
  campaignId: string | null;
  templateKey: TemplateKey | null;
  letterCount: number;
  producedBy: string | null;
  producedAt: Date;
  printedBy: string | null;
  printedAt: Date | null;
}

export async function listLetterBatches(tx: Tx, practiceId: string, limit: number): Promise<LetterBatchRow[]> {
  const rows = await tx<{ id: string; kind: "registration" | "message"; campaign_id: string | null; template_key: TemplateKey | null; letter_count: number; produced_by: string | null; produced_at: string; printed_by: string | null; printed_at: string | null }[]>`
    select b.id, b.kind, b.campaign_id, b.template_key, b.letter_count, pb.name as produced_by, b.produced_at, tb.name as printed_by, b.printed_at
    from letter_batches b
    left join staff_users pb on pb.id = b.produced_by
    left join staff_users tb on tb.id = b.printed_by
    where b.practice_id = ${practiceId}
    order by b.produced_at desc, b.id
    limit ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    campaignId: r.campaign_id,
    templateKey: r.template_key,
    letterCount: r.letter_count,
    producedBy: r.produced_by,
    producedAt: instant(r.produced_at),
    printedBy: r.printed_by,
    printedAt: instantOrNull(r.printed_at),
  }));
}

/** Marks a batch and its letters printed; false when it was already marked (or is not this practice's). */
export async function markLetterBatchPrinted(tx: Tx, practiceId: string, batchId: string, staffId: string | null, at: Date): Promise<boolean> {
  const updated = await tx`
    update letter_batches set printed_by = ${staffId}, printed_at = ${at.toISOString()}::timestamptz
    where practice_id = ${practiceId} and id = ${batchId} and printed_at is null
    returning id`;
  if (updated.length === 0) return false;
  await tx`
    update letters set status = 'printed', printed_at = ${at.toISOString()}::timestamptz
    where practice_id = ${practiceId} and batch_id = ${batchId}`;
  return true;
}

export interface WaitingOutcomeLetter {
  requestId: string;
  reference: string;
  patientName: string;
  templateKey: TemplateKey;
  queuedAt: Date;
}

/** Outcome messages queued as letters (no email may be used) and not yet printed, oldest first. */
export async function listWaitingOutcomeLetters(tx: Tx, practiceId: string): Promise<WaitingOutcomeLetter[]> {
  const rows = await tx<{ requestId: string; reference: string; patientName: string; templateKey: TemplateKey; queuedAt: string }[]>`
    select m.request_id as "requestId", r.reference, p.given_name || ' ' || p.family_name as "patientName",
           m.template_key as "templateKey", m.created_at as "queuedAt"
    from messages m
    join requests r on r.id = m.request_id
    join patients p on p.id = m.patient_id
    where m.practice_id = ${practiceId} and m.channel = 'letter' and m.request_id is not null and m.campaign_id is null
      and m.status = 'queued' and m.template_key::text like 'outcome-%'
      and not exists (select 1 from letters l where l.message_id = m.id)
    order by m.created_at, m.id`;
  return rows.map((row) => ({ ...row, queuedAt: instant(row.queuedAt) }));
}
