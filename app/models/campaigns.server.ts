import type postgres from "postgres";
import { instant, instantOrNull } from "../../db/timestamps.server";
import type { TemplateKey } from "../domain/message-templates";

// Campaigns and their message rows. Bulk statements go through postgres.js:
// a whole practice's messages are one INSERT of arrays, not one per row.

type Tx = postgres.TransactionSql;

export type CampaignStatus = "draft" | "scheduled" | "sending" | "finished" | "cancelled";

export interface CampaignRow {
  id: string;
  practiceId: string;
  templateKey: TemplateKey;
  status: CampaignStatus;
  excluded: Record<string, number>;
  createdBy: string | null;
  createdAt: Date;
  queuedBy: string | null;
  ignoreSendingHours: boolean;
  scheduledFor: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const CAMPAIGN_COLUMNS = `id, practice_id as "practiceId", template_key as "templateKey", status, excluded,
  created_by as "createdBy", created_at as "createdAt", queued_by as "queuedBy",
  ignore_sending_hours as "ignoreSendingHours", scheduled_for as "scheduledFor",
  started_at as "startedAt", finished_at as "finishedAt"`;

export async function insertCampaign(
  tx: Tx,
  campaign: { practiceId: string; templateKey: TemplateKey; excluded: Record<string, number>; createdBy: string | null },
): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into campaigns (practice_id, template_key, excluded, created_by)
    values (${campaign.practiceId}, ${campaign.templateKey}, ${JSON.stringify(campaign.excluded)}::jsonb, ${campaign.createdBy})
    returning id`;
  return row!.id;
}

/**
 * Every message of a campaign in one statement: email for patients with an
 * address, a letter row for those without. Unique per (campaign, patient).
 */
export async function insertCampaignMessages(
  tx: Tx,
  input: {
    practiceId: string;
    campaignId: string;
    templateKey: TemplateKey;
    email: { patientId: string; address: string }[];
    letters: string[];
    variables: Record<string, string>;
  },
): Promise<number> {
  const patientIds = [...input.email.map((e) => e.patientId), ...input.letters];
  const addresses = [...input.email.map((e) => e.address), ...input.letters.map(() => null)];
  const channels = [...input.email.map(() => "email"), ...input.letters.map(() => "letter")];
  const result = await tx`
    insert into messages (practice_id, campaign_id, patient_id, channel, template_key, to_address, variables)
    select ${input.practiceId}, ${input.campaignId}, r.patient_id, r.channel::message_channel, ${input.templateKey}, r.address,
           ${JSON.stringify(input.variables)}::jsonb
    from unnest(${tx.array(patientIds)}::uuid[], ${tx.array(channels)}::text[], ${tx.array(addresses as string[])}::text[])
      as r(patient_id, channel, address)`;
  return result.count;
}

function toCampaign(row: CampaignRow): CampaignRow {
  return {
    ...row,
    createdAt: instant(row.createdAt),
    scheduledFor: instantOrNull(row.scheduledFor),
    startedAt: instantOrNull(row.startedAt),
    finishedAt: instantOrNull(row.finishedAt),
  };
}

export async function getCampaign(tx: Tx, campaignId: string): Promise<CampaignRow | null> {
  const [row] = await tx<CampaignRow[]>`select ${tx.unsafe(CAMPAIGN_COLUMNS)} from campaigns where id = ${campaignId}`;
  return row ? toCampaign(row) : null;
}

export async function listCampaigns(tx: Tx, limit: number): Promise<CampaignRow[]> {
  const rows = await tx<CampaignRow[]>`select ${tx.unsafe(CAMPAIGN_COLUMNS)} from campaigns order by created_at desc limit ${limit}`;
  return rows.map(toCampaign);
}

/** Moves a draft campaign on; false when it is no longer a draft (someone else got there first). */
export async function startCampaign(
  tx: Tx,
  campaignId: string,
  start: { queuedBy: string | null; ignoreSendingHours: boolean; scheduledFor: Date | null },
): Promise<boolean> {
  const result = start.scheduledFor
    ? await tx`
        update campaigns set status = 'scheduled', scheduled_for = ${start.scheduledFor.toISOString()}::timestamptz, queued_by = ${start.queuedBy},
          ignore_sending_hours = ${start.ignoreSendingHours}
        where id = ${campaignId} and status = 'draft'`
    : await tx`
        update campaigns set status = 'sending', started_at = now(), queued_by = ${start.queuedBy},
          ignore_sending_hours = ${start.ignoreSendingHours}
        where id = ${campaignId} and status = 'draft'`;
  return result.count === 1;
}

export interface CampaignCounts {
  queued: number;
  sending: number;
  sent: number;
  technicalFailure: number;
  permanentFailure: number;
  unknown: number;
  letters: number;
}

export async function countCampaignMessages(tx: Tx, campaignId: string): Promise<CampaignCounts> {
  const [row] = await tx<CampaignCounts[]>`
    select
      count(*) filter (where channel = 'email' and status = 'queued')::int as queued,
      count(*) filter (where channel = 'email' and status = 'sending')::int as sending,
      count(*) filter (where channel = 'email' and status = 'sent')::int as sent,
      count(*) filter (where channel = 'email' and status = 'technical-failure')::int as "technicalFailure",
      count(*) filter (where channel = 'email' and status = 'permanent-failure')::int as "permanentFailure",
      count(*) filter (where channel = 'email' and status = 'unknown')::int as unknown,
      count(*) filter (where channel = 'letter')::int as letters
    from messages where campaign_id = ${campaignId}`;
  return row!;
}

export interface CampaignMessagePatient {
  messageId: string;
  patientId: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  toAddress: string | null;
  status: string;
  failureReason: string | null;
  attempts: number;
}

/** Email that did not go (failed, or unknown), or the letters list, with whose they are. */
export async function listCampaignMessages(
  tx: Tx,
  campaignId: string,
  which: "problems" | "letters",
  limit: number,
): Promise<CampaignMessagePatient[]> {
  const filter =
    which === "letters"
      ? tx`m.channel = 'letter'`
      : tx`m.channel = 'email' and m.status in ('technical-failure', 'permanent-failure', 'unknown')`;
  return tx<CampaignMessagePatient[]>`
    select m.id as "messageId", p.id as "patientId", p.nhs_number as "nhsNumber", p.given_name as "givenName",
           p.family_name as "familyName", m.to_address as "toAddress", m.status, m.failure_reason as "failureReason",
           m.attempts
    from messages m join patients p on p.id = m.patient_id
    where m.campaign_id = ${campaignId} and ${filter}
    order by p.family_name, p.given_name, p.nhs_number
    limit ${limit}`;
}

/** The practice a campaign belongs to, whoever asks (the command line knows only the id). */
export async function findCampaignPracticeId(sql: postgres.Sql | Tx, campaignId: string): Promise<string | null> {
  const [row] = await sql<{ id: string | null }[]>`select campaign_practice_id(${campaignId}) as id`;
  return row?.id ?? null;
}

/** A draft or scheduled campaign called off; false when it is neither any more. */
export async function cancelCampaign(tx: Tx, campaignId: string): Promise<boolean> {
  const result = await tx`
    update campaigns set status = 'cancelled'
    where id = ${campaignId} and status in ('draft', 'scheduled')`;
  return result.count === 1;
}

export interface CampaignEmailRecipient {
  messageId: string;
  givenName: string;
  familyName: string;
  toAddress: string;
  variables: Record<string, string>;
}

/** The first email messages of a campaign by patient name: whose messages a preview shows. */
export async function listFirstCampaignEmails(tx: Tx, campaignId: string, limit: number): Promise<CampaignEmailRecipient[]> {
  return tx<CampaignEmailRecipient[]>`
    select m.id as "messageId", p.given_name as "givenName", p.family_name as "familyName", m.to_address as "toAddress",
           m.variables
    from messages m join patients p on p.id = m.patient_id
    where m.campaign_id = ${campaignId} and m.channel = 'email'
    order by p.family_name, p.given_name, p.nhs_number
    limit ${limit}`;
}

export interface CampaignSummaryRow extends CampaignRow {
  counts: CampaignCounts;
}

/** The practice's newest campaigns, each with how its messages stand, in two statements. */
export async function listCampaignsWithCounts(tx: Tx, limit: number): Promise<CampaignSummaryRow[]> {
  const campaigns = await listCampaigns(tx, limit);
  if (campaigns.length === 0) return [];
  const rows = await tx<(CampaignCounts & { campaignId: string })[]>`
    select campaign_id as "campaignId",
      count(*) filter (where channel = 'email' and status = 'queued')::int as queued,
      count(*) filter (where channel = 'email' and status = 'sending')::int as sending,
      count(*) filter (where channel = 'email' and status = 'sent')::int as sent,
      count(*) filter (where channel = 'email' and status = 'technical-failure')::int as "technicalFailure",
      count(*) filter (where channel = 'email' and status = 'permanent-failure')::int as "permanentFailure",
      count(*) filter (where channel = 'email' and status = 'unknown')::int as unknown,
      count(*) filter (where channel = 'letter')::int as letters
    from messages where campaign_id = any(${tx.array(campaigns.map((c) => c.id))}::uuid[])
    group by campaign_id`;
  const byCampaign = new Map(rows.map(({ campaignId, ...counts }) => [campaignId, counts]));
  const none: CampaignCounts = { queued: 0, sending: 0, sent: 0, technicalFailure: 0, permanentFailure: 0, unknown: 0, letters: 0 };
  return campaigns.map((campaign) => ({ ...campaign, counts: byCampaign.get(campaign.id) ?? none }));
}

/**
 * An unknown message of this campaign queued again by a person who checked.
 * The worker sends only for campaigns that are sending, and a campaign whose
 * last message became unknown has finished, so it is sending again until the
 * message is out. False when the message is not an unknown one of this campaign.
 */
export async function requeueUnknownCampaignMessage(tx: Tx, campaignId: string, messageId: string): Promise<boolean> {
  const result = await tx`
    update messages set status = 'queued', next_attempt_at = now(), claimed_by = null, claimed_at = null,
      failure_reason = null
    where id = ${messageId} and campaign_id = ${campaignId} and status = 'unknown'`;
  if (result.count !== 1) return false;
  await tx`update campaigns set status = 'sending', finished_at = null where id = ${campaignId} and status = 'finished'`;
  return true;
}
