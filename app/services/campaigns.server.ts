import { getSql } from "../../db/client.server";
import { withoutPractice, withPracticeSql } from "../../db/tenancy.server";
import { formatLongDay, formatLongUkDate, ukLocalDay } from "../domain/calendar";
import { campaignCohort, type ExclusionReason } from "../domain/campaign-cohort";
import { CAMPAIGN_TEMPLATE_KEYS, isCampaignTemplateKey, isTemplateKey, practiceContact, type CampaignTemplateKey } from "../domain/message-templates";
import { PERSONAL_LINK_DAYS } from "../domain/outbox";
import { describeSendingHours, isWithinSendingHours, type SendingHours } from "../domain/sending-hours";
import { getEnv } from "../env.server";
import { appendAuditEventSql } from "../models/audit.server";
import {
  cancelCampaign as cancelCampaignRow,
  countCampaignMessages,
  findCampaignPracticeId,
  getCampaign,
  insertCampaign,
  insertCampaignMessages,
  listCampaignMessages,
  listCampaignsWithCounts,
  listFirstCampaignEmails,
  requeueUnknownCampaignMessage,
  startCampaign,
  type CampaignCounts,
  type CampaignRow,
  type CampaignSummaryRow,
} from "../models/campaigns.server";
import { getPracticeById, getPracticeByOdsCode, type Practice } from "../models/practices.server";
import { patientsWithAccessStates } from "./access-states.server";
import { createTemplateCache, personalise, type RenderedMessage } from "./message-render.server";

// Campaigns (issue 5): the cohort, worked out from effective access states
// with every exclusion counted; its messages written in one statement; then
// sent now or at a time within sending hours. The opt-in invitation goes to
// patients with an active 104, so sending it takes a second, explicit
// confirmation.

export interface Actor {
  id: string | null;
  role: string;
}

export type Result<T> = ({ ok: true } & T) | { ok: false; error: string };

/** How many patients a preview shows the message as. */
export const PREVIEW_PATIENTS = 3;

export interface CampaignPlan {
  templateKey: CampaignTemplateKey;
  recipients: number;
  letters: number;
  excluded: Record<ExclusionReason, number>;
  /** The message as the first few recipients would get it. */
  previews: { patientName: string; toAddress: string; message: RenderedMessage }[];
}

/** Per-campaign values of the template: the date access changes for the practice's patients. */
export function campaignVariables(practice: Practice, now: Date): Record<string, string> {
  const today = ukLocalDay(now);
  const goLive = practice.goLiveDate && practice.goLiveDate >= today ? practice.goLiveDate : today;
  return { date: formatLongDay(goLive) };
}

async function cohortOf(practice: Practice, templateKey: CampaignTemplateKey, now: Date) {
  const patients = await patientsWithAccessStates(practice.id, ukLocalDay(now));
  const cohort = campaignCohort(templateKey, patients, ukLocalDay(now));
  // Alphabetical, so the preview and the first messages out are predictable.
  cohort.email.sort((a, b) => a.familyName.localeCompare(b.familyName) || a.givenName.localeCompare(b.givenName));
  return cohort;
}

/** The message as one patient would get it; their own link is made only when it is sent. */
async function previewFor(
  practice: Practice,
  templateKey: CampaignTemplateKey,
  recipients: { givenName: string; familyName: string; toAddress: string; variables: Record<string, string> }[],
  now: Date,
): Promise<CampaignPlan["previews"]> {
  const prepared = await createTemplateCache().get(templateKey, practiceContact(practice));
  const expires = new Date(now.getTime() + PERSONAL_LINK_DAYS * 86_400_000);
  return recipients.map((r) => ({
    patientName: `${r.givenName} ${r.familyName}`,
    toAddress: r.toAddress,
    message: personalise(prepared, {
      firstName: r.givenName,
      linkUrl: `${getEnv().publicUrl}/r/…`,
      linkExpires: formatLongUkDate(expires),
      reference: r.variables.reference,
      date: r.variables.date,
    }),
  }));
}

export function parseCampaignTemplate(key: string): Result<{ templateKey: CampaignTemplateKey }> {
  if (!isTemplateKey(key)) return { ok: false, error: `There is no template called "${key}": choose ${CAMPAIGN_TEMPLATE_KEYS.join(" or ")}.` };
  if (!isCampaignTemplateKey(key)) {
    return { ok: false, error: `The "${key}" template is sent about one request, not to a cohort: choose ${CAMPAIGN_TEMPLATE_KEYS.join(" or ")}.` };
  }
  return { ok: true, templateKey: key };
}

/** Who a campaign would reach, and the message as three of them would see it. Changes nothing. */
export async function planCampaign(practiceId: string, templateKey: CampaignTemplateKey, now = new Date()): Promise<CampaignPlan> {
  const practice = await requirePractice(practiceId);
  const cohort = await cohortOf(practice, templateKey, now);
  const variables = campaignVariables(practice, now);
  return {
    templateKey,
    recipients: cohort.email.length,
    letters: cohort.letters.length,
    excluded: cohort.excluded,
    previews: await previewFor(
      practice,
      templateKey,
      cohort.email.slice(0, PREVIEW_PATIENTS).map((p) => ({ ...p, toAddress: p.email!, variables })),
      now,
    ),
  };
}

export interface CreatedCampaign {
  id: string;
  recipients: number;
  excluded: Record<ExclusionReason, number>;
  letters: number;
}

/** Works out the cohort and writes every message row, unsent, in one transaction. */
export async function createCampaign(input: {
  practiceId: string;
  templateKey: CampaignTemplateKey;
  actor: Actor;
  now?: Date;
}): Promise<CreatedCampaign> {
  const now = input.now ?? new Date();
  const practice = await requirePractice(input.practiceId);
  const cohort = await cohortOf(practice, input.templateKey, now);
  return withPracticeSql(practice.id, async (tx) => {
    const id = await insertCampaign(tx, {
      practiceId: practice.id,
      templateKey: input.templateKey,
      excluded: cohort.excluded,
      createdBy: input.actor.id,
    });
    await insertCampaignMessages(tx, {
      practiceId: practice.id,
      campaignId: id,
      templateKey: input.templateKey,
      email: cohort.email.map((p) => ({ patientId: p.id, address: p.email! })),
      letters: cohort.letters.map((p) => p.id),
      variables: campaignVariables(practice, now),
    });
    const created = { id, recipients: cohort.email.length, excluded: cohort.excluded, letters: cohort.letters.length };
    await appendAuditEventSql(tx, {
      practiceId: practice.id,
      actorId: input.actor.id,
      actorRole: input.actor.role,
      action: "campaign.created",
      subjectType: "campaign",
      subjectId: id,
      summary: { templateKey: input.templateKey, recipients: created.recipients, letters: created.letters, excluded: created.excluded },
    });
    return created;
  });
}

export interface SendRequest {
  practiceId: string;
  campaignId: string;
  actor: Actor;
  /** "now", or a time within sending hours. */
  when: "now" | Date;
  ignoreSendingHours?: boolean;
  /** The second, explicit confirmation an opt-in invitation needs. */
  confirmedOptInInvitation?: boolean;
  now?: Date;
  sendingHours?: SendingHours;
}

export type SendRefusal = "not-found" | "not-draft" | "needs-confirmation" | "outside-sending-hours" | "bad-time";

/** Queues a draft campaign for the worker, now or at a set time. */
export async function sendCampaign(
  input: SendRequest,
): Promise<{ ok: true; status: "sending" | "scheduled"; scheduledFor: Date | null } | { ok: false; error: string; reason: SendRefusal }> {
  const now = input.now ?? new Date();
  const hours = input.sendingHours ?? getEnv().mail.sendingHours;
  return withPracticeSql(input.practiceId, async (tx) => {
    const campaign = await getCampaign(tx, input.campaignId);
    if (!campaign) return { ok: false as const, error: "There is no such campaign.", reason: "not-found" as const };
    if (campaign.status !== "draft") {
      const already = { scheduled: "scheduled", cancelled: "cancelled" }[campaign.status as string] ?? "sent";
      return { ok: false as const, error: `This campaign has already been ${already}.`, reason: "not-draft" as const };
    }
    if (campaign.templateKey === "opt-in-invitation" && !input.confirmedOptInInvitation) {
      return {
        ok: false as const,
        error: "The invitation to ask for online access goes to patients with an active 104: confirm that you mean to send it.",
        reason: "needs-confirmation" as const,
      };
    }
    const ignore = Boolean(input.ignoreSendingHours);
    if (input.when === "now") {
      if (!ignore && !isWithinSendingHours(now, hours)) {
        return {
          ok: false as const,
          error: `It is outside sending hours (${describeSendingHours(hours)}): schedule the campaign, or choose to send outside sending hours.`,
          reason: "outside-sending-hours" as const,
        };
      }
    } else {
      if (input.when.getTime() <= now.getTime()) return { ok: false as const, error: "The time to send must be in the future.", reason: "bad-time" as const };
      if (!ignore && !isWithinSendingHours(input.when, hours)) {
        return { ok: false as const, error: `The time to send must be within sending hours (${describeSendingHours(hours)}).`, reason: "bad-time" as const };
      }
    }
    const scheduledFor = input.when === "now" ? null : input.when;
    const started = await startCampaign(tx, campaign.id, { queuedBy: input.actor.id, ignoreSendingHours: ignore, scheduledFor });
    if (!started) return { ok: false as const, error: "Someone else has just sent or scheduled this campaign.", reason: "not-draft" as const };
    await appendAuditEventSql(tx, {
      practiceId: input.practiceId,
      actorId: input.actor.id,
      actorRole: input.actor.role,
      action: scheduledFor ? "campaign.scheduled" : "campaign.sent",
      subjectType: "campaign",
      subjectId: campaign.id,
      summary: {
        templateKey: campaign.templateKey,
        scheduledFor: scheduledFor?.toISOString() ?? null,
        ignoreSendingHours: ignore,
        ...(campaign.templateKey === "opt-in-invitation" ? { confirmedOptInInvitation: true } : {}),
      },
    });
    return { ok: true as const, status: scheduledFor ? ("scheduled" as const) : ("sending" as const), scheduledFor };
  });
}

export interface CampaignProgress {
  campaign: CampaignRow;
  counts: CampaignCounts;
  /** Email rows in all, and how many have reached an end (sent, failed or unknown). */
  total: number;
  done: number;
}

export async function getCampaignProgress(practiceId: string, campaignId: string): Promise<CampaignProgress | null> {
  return withPracticeSql(practiceId, async (tx) => {
    const campaign = await getCampaign(tx, campaignId);
    if (!campaign) return null;
    const counts = await countCampaignMessages(tx, campaignId);
    const total = counts.queued + counts.sending + counts.sent + counts.technicalFailure + counts.permanentFailure + counts.unknown;
    return { campaign, counts, total, done: total - counts.queued - counts.sending };
  });
}

/** How many rows of each list the result page shows. */
export const RESULT_LIST_LIMIT = 500;

export async function getCampaignResult(practiceId: string, campaignId: string) {
  const progress = await getCampaignProgress(practiceId, campaignId);
  if (!progress) return null;
  return withPracticeSql(practiceId, async (tx) => ({
    ...progress,
    problems: await listCampaignMessages(tx, campaignId, "problems", RESULT_LIST_LIMIT),
    letters: await listCampaignMessages(tx, campaignId, "letters", RESULT_LIST_LIMIT),
  }));
}

/** The practice that owns a campaign (for the command line, which names only the campaign). */
export async function practiceOfCampaign(campaignId: string): Promise<string | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(campaignId)) return null;
  return findCampaignPracticeId(getSql(), campaignId);
}

export async function practiceIdByOdsCode(odsCode: string): Promise<string | null> {
  return (await withoutPractice((tx) => getPracticeByOdsCode(tx, odsCode)))?.id ?? null;
}

/** The practice's newest campaigns, each with how its messages stand. */
export async function listPracticeCampaignSummaries(practiceId: string): Promise<CampaignSummaryRow[]> {
  return withPracticeSql(practiceId, (tx) => listCampaignsWithCounts(tx, 50));
}

/**
 * A created campaign's message as the first few of its email recipients (by
 * name) will get it, rendered as planCampaign renders it; null when there is
 * no such campaign.
 */
export async function previewCampaignMessages(
  practiceId: string,
  campaignId: string,
  now = new Date(),
): Promise<CampaignPlan["previews"] | null> {
  const found = await withPracticeSql(practiceId, async (tx) => {
    const campaign = await getCampaign(tx, campaignId);
    return campaign ? { campaign, recipients: await listFirstCampaignEmails(tx, campaignId, PREVIEW_PATIENTS) } : null;
  });
  if (!found) return null;
  return previewFor(await requirePractice(practiceId), found.campaign.templateKey as CampaignTemplateKey, found.recipients, now);
}

/** Calls off a campaign that has not started sending. Its messages stay unsent. */
export async function cancelCampaign(input: { practiceId: string; campaignId: string; actor: Actor }): Promise<Result<object>> {
  return withPracticeSql(input.practiceId, async (tx) => {
    const campaign = await getCampaign(tx, input.campaignId);
    if (!campaign) return { ok: false as const, error: "There is no such campaign." };
    if (!(await cancelCampaignRow(tx, campaign.id))) {
      // Read again: someone else may have just sent or cancelled it.
      const current = (await getCampaign(tx, campaign.id)) ?? campaign;
      return {
        ok: false as const,
        error:
          current.status === "cancelled"
            ? "This campaign has already been cancelled."
            : "This campaign has started sending, so it can no longer be cancelled.",
      };
    }
    await appendAuditEventSql(tx, {
      practiceId: input.practiceId,
      actorId: input.actor.id,
      actorRole: input.actor.role,
      action: "campaign.cancelled",
      subjectType: "campaign",
      subjectId: campaign.id,
      summary: { templateKey: campaign.templateKey, previousStatus: campaign.status },
    });
    return { ok: true as const };
  });
}

/**
 * Staff checked a message whose fate was unknown and want it sent again. It
 * must be one of this campaign's; a finished campaign sends again until it is
 * out (the worker sends only a sending campaign's mail).
 */
export async function resendUnknownCampaignMessage(input: {
  practiceId: string;
  campaignId: string;
  messageId: string;
  actor: Actor;
}): Promise<Result<object>> {
  return withPracticeSql(input.practiceId, async (tx) => {
    const requeued = await requeueUnknownCampaignMessage(tx, input.campaignId, input.messageId);
    if (!requeued) return { ok: false as const, error: "That message is not waiting for a decision: it may already have been sent again." };
    await appendAuditEventSql(tx, {
      practiceId: input.practiceId,
      actorId: input.actor.id,
      actorRole: input.actor.role,
      action: "message.resent",
      subjectType: "message",
      subjectId: input.messageId,
      summary: { campaignId: input.campaignId, previousStatus: "unknown" },
    });
    return { ok: true as const };
  });
}

async function requirePractice(practiceId: string): Promise<Practice> {
  const practice = await withoutPractice((tx) => getPracticeById(tx, practiceId));
  if (!practice) throw new Error(`There is no practice ${practiceId}.`);
  return practice;
}

