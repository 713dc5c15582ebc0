import type { Writable } from "node:stream";
import { withoutPractice, withPractice } from "../../db/tenancy.server";
import { commissionerLetterContent, count, percent } from "../content/reports";
import type { LetterBlock } from "../domain/letters";
import { practiceContact } from "../domain/message-templates";
import { appendAuditEvent } from "../models/audit.server";
import { compareDays, formatLongDay, formatLongUkDate, isIsoDay, startOfUkDay, ukLocalDay } from "../domain/calendar";
import { toCsv } from "../domain/csv-out";
import {
  flattenFigures,
  listFigures,
  PROSPECTIVE_ACCESS_TARGET,
  queueFigures,
  requestFigures,
  type ListFigures,
  type QueueFigures,
  type RequestFigures,
} from "../domain/report";
import { can } from "../domain/permissions";
import { waitingDays } from "../domain/review-queue";
import { getPracticeById, getPracticeByOdsCode } from "../models/practices.server";
import {
  countCampaignDelivery,
  listImportFigures,
  listOpenRequestReceivedTimes,
  listRequestFacts,
  setImportFigures,
} from "../models/reports.server";
import { forEachAccessState, patientsWithAccessStates } from "./access-states.server";
import type { StaffContext } from "./staff-session.server";

// The practice's figures for NHS England and the ICB (issue 9): the dashboard,
// the monthly report (web, CSV, JSON, CLI) and the letter to the commissioner
// all read them from here. Each is defined in the README.

export interface TrendPoint {
  importedAt: Date;
  eligible: number;
  enhancedReview: number;
  enhancedReviewShare: number;
  declined: number;
}

export interface PracticeReport extends ListFigures {
  practice: { odsCode: string; name: string; clinicalSystem: "emis" | "tpp" };
  /** YYYY-MM: requests and campaigns are counted within it. */
  month: string;
  /** The day patients' ages and eligibility are worked out on. */
  asOf: string;
  prospectiveAccessTarget: number;
  requests: RequestFigures;
  queue: QueueFigures & { targetDays: number };
  campaigns: { campaigns: number; emailsSent: number; emailsFailed: number; emailsWaiting: number; lettersNeeded: number };
  /** The 104 share and the declines after each import, oldest first. */
  trend: TrendPoint[];
}

export type ReportPeriodProblem = "month" | "future" | "as-of";

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function nextMonth(month: string): string {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, "0")}`;
}

/**
 * The month to report and the day to count patients on: by default the month's last day, or today
 * for the month under way. A month not yet begun, or an --as-of outside the month, is refused.
 */
export function reportPeriod(month: string, asOf: string | undefined, now: Date): { ok: true; month: string; asOf: string; from: Date; to: Date } | { ok: false; problem: ReportPeriodProblem } {
  if (!MONTH.test(month)) return { ok: false, problem: "month" };
  const today = ukLocalDay(now);
  const first = `${month}-01`;
  if (compareDays(first, today) > 0) return { ok: false, problem: "future" };
  const next = `${nextMonth(month)}-01`;
  const lastDay = ukLocalDay(new Date(startOfUkDay(next).getTime() - 1));
  const day = asOf ?? (compareDays(today, lastDay) < 0 ? today : lastDay);
  if (!isIsoDay(day) || compareDays(day, first) < 0 || compareDays(day, lastDay) > 0 || compareDays(day, today) > 0) return { ok: false, problem: "as-of" };
  return { ok: true, month, asOf: day, from: startOfUkDay(first), to: startOfUkDay(next) };
}

export async function practiceReport(practiceId: string, period: { month: string; asOf: string; from: Date; to: Date }, now = new Date()): Promise<PracticeReport> {
  const practice = await withoutPractice((tx) => getPracticeById(tx, practiceId));
  if (!practice) throw new Error(`practice ${practiceId} not found`);
  const patients = await patientsWithAccessStates(practiceId, period.asOf);
  const list = listFigures(
    patients.map((p) => ({
      eligible: p.eligible,
      state: p.state,
      enhancedReview: p.enhancedReview,
      onlineAccount: p.onlineAccount,
      enhancedReviewDay: p.enhancedReview ? p.latest104Day : null,
    })),
  );
  const { requestFacts, openSince, delivery, trend } = await withPractice(practiceId, async (tx) => ({
    requestFacts: await listRequestFacts(tx, practiceId),
    openSince: await listOpenRequestReceivedTimes(tx, practiceId),
    delivery: await countCampaignDelivery(tx, practiceId, period.from, period.to),
    trend: await listImportFigures(tx, practiceId),
  }));
  return {
    practice: { odsCode: practice.odsCode, name: practice.name, clinicalSystem: practice.clinicalSystem },
    month: period.month,
    asOf: period.asOf,
    ...list,
    prospectiveAccessTarget: PROSPECTIVE_ACCESS_TARGET,
    requests: requestFigures(requestFacts, period.from, period.to),
    queue: { ...queueFigures(openSince.map((at) => waitingDays(at, now)), practice.queueTargetDays), targetDays: practice.queueTargetDays },
    campaigns: delivery,
    trend: trend.map((t) => ({
      importedAt: t.committedAt!,
      eligible: t.eligible!,
      enhancedReview: t.enhancedReview!,
      enhancedReviewShare: t.eligible ? t.enhancedReview! / t.eligible : 0,
      declined: t.declined!,
    })),
  };
}

/** This month so far, for the dashboard. */
export async function dashboardReport(context: StaffContext, now = new Date()): Promise<PracticeReport> {
  const period = reportPeriod(ukLocalDay(now).slice(0, 7), undefined, now);
  if (!period.ok) throw new Error("the current month is always a valid period");
  return practiceReport(context.practice.id, period, now);
}

/** The monthly report for the acting practice, or why the period is refused. */
export async function monthlyReport(
  context: StaffContext,
  month: string,
  now = new Date(),
): Promise<{ ok: true; report: PracticeReport } | { ok: false; problem: ReportPeriodProblem }> {
  const period = reportPeriod(month, undefined, now);
  if (!period.ok) return period;
  return { ok: true, report: await practiceReport(context.practice.id, period, now) };
}

/** For the command line: the report of the practice with this ODS code. */
export async function reportForPracticeCode(
  odsCode: string,
  month: string,
  asOf: string | undefined,
  now = new Date(),
): Promise<{ ok: true; report: PracticeReport } | { ok: false; problem: ReportPeriodProblem | "practice" }> {
  const practice = await withoutPractice((tx) => getPracticeByOdsCode(tx, odsCode));
  if (!practice) return { ok: false, problem: "practice" };
  const period = reportPeriod(month, asOf, now);
  if (!period.ok) return period;
  return { ok: true, report: await practiceReport(practice.id, period, now) };
}

/**
 * Records the list's figures just after an import, for the trend. Called once the import has
 * committed; an import's own figures never change afterwards.
 */
export async function recordImportFigures(practiceId: string, importId: string, now = new Date()): Promise<void> {
  const figures = { eligible: 0, enhancedReview: 0, declined: 0 };
  await forEachAccessState(practiceId, ukLocalDay(now), (p) => {
    if (!p.eligible) return;
    figures.eligible += 1;
    if (p.enhancedReview) figures.enhancedReview += 1;
    if (p.state === "declined") figures.declined += 1;
  });
  await withPractice(practiceId, (tx) => setImportFigures(tx, practiceId, importId, figures));
}

export interface PracticeSummary {
  odsCode: string;
  name: string;
  eligible: number;
  enhancedReviewShare: number;
  enhancedReviewAlarm: ListFigures["enhancedReviewAlarm"];
  bulkAppliedSuspected: boolean;
  prospectiveAccessShare: number | null;
  openRequests: number;
}

/**
 * Headline figures for every practice where this member of staff may see reports: for someone
 * who works for several. Each practice is read under its own row-level security.
 */
export async function multiPracticeSummary(context: StaffContext, now = new Date()): Promise<PracticeSummary[]> {
  const period = reportPeriod(ukLocalDay(now).slice(0, 7), undefined, now);
  if (!period.ok) throw new Error("the current month is always a valid period");
  const practices = context.memberships.filter((m) => can(m.role, "view-reports"));
  const summaries: PracticeSummary[] = [];
  for (const membership of practices) {
    const report = await practiceReport(membership.practiceId, period, now);
    summaries.push({
      odsCode: report.practice.odsCode,
      name: report.practice.name,
      eligible: report.eligible,
      enhancedReviewShare: report.enhancedReviewShare,
      enhancedReviewAlarm: report.enhancedReviewAlarm,
      bulkAppliedSuspected: report.bulkApplied.suspected,
      prospectiveAccessShare: report.prospectiveAccessShare,
      openRequests: report.queue.open,
    });
  }
  return summaries;
}

/** The report as the JSON download and `report --json` give it: dates as ISO strings, shares 0 to 1. */
export function reportDocument(report: PracticeReport) {
  return {
    practice: report.practice,
    month: report.month,
    asOf: report.asOf,
    eligible: report.eligible,
    byState: report.byState,
    enhancedReview: report.enhancedReview,
    enhancedReviewShare: report.enhancedReviewShare,
    enhancedReviewAlarm: report.enhancedReviewAlarm,
    bulkApplied: report.bulkApplied,
    onlineAccounts: report.onlineAccounts,
    onlineAccountsWithProspectiveAccess: report.onlineAccountsWithProspectiveAccess,
    prospectiveAccessShare: report.prospectiveAccessShare,
    prospectiveAccessTarget: report.prospectiveAccessTarget,
    requests: report.requests,
    queue: report.queue,
    campaigns: report.campaigns,
    trend: report.trend.map((t) => ({ ...t, importedAt: t.importedAt.toISOString() })),
  };
}

/** The same figures as `figure,value` rows (the trend is in the JSON only), formula characters escaped. */
export function reportCsv(report: PracticeReport): string {
  const { trend: _trend, ...figures } = reportDocument(report);
  return toCsv(["figure", "value"], flattenFigures(figures));
}

/** The letter to the commissioner: this month's figures and the practice's approach, as a PDF. */
export async function commissionerLetter(
  context: StaffContext,
  input: { month: string; addressee: string[] },
  now = new Date(),
): Promise<{ ok: true; letter: { fileName: string; write(output: Writable): Promise<unknown> } } | { ok: false; problem: ReportPeriodProblem }> {
  const result = await monthlyReport(context, input.month, now);
  if (!result.ok) return result;
  const { report } = result;
  const practice = await withoutPractice((tx) => getPracticeById(tx, context.practice.id));
  const contact = practiceContact(practice!);
  const c = commissionerLetterContent;
  const monthName = new Date(`${report.month}-15T12:00:00Z`).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
  const requests = Object.values(report.requests).reduce((sum, r) => ({ received: sum.received + r.received, decided: sum.decided + r.decided, done: sum.done + r.done }), { received: 0, decided: 0, done: 0 });
  const blocks: LetterBlock[] = [
    { kind: "paragraph", text: c.dear },
    { kind: "heading", text: c.heading(report.practice.name, monthName) },
    { kind: "paragraph", text: c.intro(report.practice.name, report.practice.odsCode) },
    { kind: "heading", text: c.figuresHeading },
    { kind: "paragraph", text: c.eligible(count(report.eligible), formatLongDay(report.asOf)) },
    { kind: "paragraph", text: `${c.enhancedReview(count(report.enhancedReview), percent(report.enhancedReviewShare))} ${c[report.enhancedReviewAlarm]}` },
    ...(report.bulkApplied.suspected && report.bulkApplied.day ? [{ kind: "paragraph" as const, text: c.bulk(count(report.bulkApplied.count), formatLongDay(report.bulkApplied.day)) }] : []),
    { kind: "paragraph", text: c.prospective(percent(report.prospectiveAccessShare), count(report.onlineAccounts)) },
    { kind: "paragraph", text: c.requests(count(requests.received), count(requests.decided), count(requests.done)) },
    { kind: "paragraph", text: c.queue(count(report.queue.open), count(report.queue.pastTarget), `${report.queue.targetDays} days`) },
    { kind: "heading", text: c.approachHeading },
    ...c.approach.map((text) => ({ kind: "paragraph" as const, text })),
    { kind: "paragraph", text: c.close },
  ];
  await withPractice(context.practice.id, (tx) =>
    appendAuditEvent(tx, {
      practiceId: context.practice.id,
      actorId: context.user.id,
      actorRole: context.role,
      action: "report.commissioner-letter",
      summary: { month: report.month },
    }),
  );
  return {
    ok: true,
    letter: {
      fileName: `commissioner-letter-${report.practice.odsCode}-${report.month}.pdf`,
      async write(output) {
        // Loaded here, not at the top: an import (which records the list's figures) need not carry the PDF code.
        const { createLetterWriter } = await import("../letters/letter-pdf.server");
        const writer = createLetterWriter(output, {
          sender: { name: contact.name, addressLines: contact.addressLines, postcode: contact.postcode, phone: contact.phone, email: contact.email, odsCode: report.practice.odsCode },
          total: 1,
          title: c.heading(report.practice.name, monthName),
        });
        await writer.message({ recipient: { addressLines: input.addressee, salutationName: "", largePrint: false }, date: formatLongUkDate(now), blocks });
        await writer.end();
      },
    },
  };
}
