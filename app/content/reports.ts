import type { Alarm } from "../domain/report";
import type { RequestKind } from "../domain/request-workflow";

// What staff read on the dashboard (/staff) and the reports pages (/staff/reports).

export const percent = (share: number | null) => (share === null ? "None yet" : `${(share * 100).toFixed(1)}%`);
export const count = (n: number) => n.toLocaleString("en-GB");

export const alarmNames: Record<Alarm, string> = { green: "Below 10%", amber: "Above 10%: look again", red: "Above 50%: action plan needed" };
export const alarmTags: Record<Alarm, string> = { green: "nhsuk-tag--green", amber: "nhsuk-tag--yellow", red: "nhsuk-tag--red" };

export const requestKindLabels: Record<RequestKind, string> = {
  "opt-out": "Opt-outs",
  "opt-in": "Asks for access",
  "withdraw-opt-out": "Withdrawn opt-outs",
};

export const dashboardContent = {
  title: "Staff home",
  headlineHeading: "At a glance",
  eligible: "Eligible patients",
  eligibleHint: "Aged 16 or over, alive and registered",
  enhancedReviewShare: "Patients with an active 104",
  prospective: "Online accounts with prospective access",
  prospectiveHint: (target: string) => `Target ${target}`,
  openRequests: "Open requests",
  openRequestsHint: (pastTarget: number) => (pastTarget === 1 ? "1 past the practice's target" : `${count(pastTarget)} past the practice's target`),
  redWarningHeading: "More than half of eligible patients have an active 104",
  redWarning:
    "NHS England asks practices above 50% for an action plan and monthly reports to the ICB. Review the 104 list and record a 106 for patients who are not at risk.",
  amberWarningHeading: "More than 1 in 10 eligible patients have an active 104",
  amberWarning: "A 104 should only be recorded for patients thought to be at risk of harm. Review the 104 list.",
  bulkHeading: "The 104s look bulk-applied",
  bulk: (n: number, day: string) =>
    `${count(n)} of the active 104s were recorded on one day, ${day}. Codes added to many patients at once, rather than one by one, need reviewing patient by patient.`,
  reviewLink: "Review the 104 list",
  countsHeading: "Patients by access state",
  countsCaption: (asOf: string) => `Eligible patients on ${asOf}`,
  total: "Total eligible",
  requestsHeading: "Requests this month",
  requestsCaption: (month: string) => `Requests in ${month}, by kind`,
  requestsHead: ["Kind", "Received", "Decided", "Done in the clinical system"],
  queueHeading: "Waiting times",
  queueRows: { open: "Open requests", pastTarget: "Waiting longer than the target", oldest: "Longest wait", median: "Median wait" },
  days: (n: number | null) => (n === null ? "None open" : n === 1 ? "1 day" : `${n} days`),
  campaignsHeading: "Campaigns this month",
  campaignRows: { campaigns: "Campaigns", sent: "Emails sent", failed: "Emails that failed", waiting: "Emails still to send", letters: "Patients who need a letter" },
  trendHeading: "Across imports",
  trendIntro: "The share of eligible patients with an active 104, and the patients who declined online access (103), just after each import of the patient list.",
  noTrend: "The figures appear here after the next import of the patient list.",
  trendShareChart: "Active 104 share after each import",
  trendDeclinedChart: "Patients who declined online access after each import",
  trendCaption: "After each import",
  trendHead: ["Imported", "Eligible", "Active 104s", "Active 104 share", "Declined (103)"],
  reportsLink: "Monthly report for the ICB",
};

export const reportsContent = {
  title: "Monthly report",
  intro: "The figures NHS England and the ICB ask for. Patients are counted as the latest import shows them, with ages worked out on the report's date; requests and campaigns are counted within the month. The README defines each figure.",
  monthLabel: "Month",
  show: "Show the report",
  download: "Download",
  csv: "CSV",
  json: "JSON",
  print: "To print this page, use your browser's print command.",
  problems: {
    month: "Choose a month",
    future: "That month has not begun yet",
    "as-of": "Choose a month",
  },
  figuresCaption: (name: string, month: string, asOf: string) => `${name}, ${month} (patients as of ${asOf})`,
  head: ["Figure", "Value"],
  rows: {
    eligible: "Eligible patients",
    enhancedReview: "Eligible patients with an active 104",
    enhancedReviewShare: "Active 104 share",
    alarm: "104 share level",
    bulk: "104s that look bulk-applied",
    bulkNone: "No",
    bulkYes: (n: number, day: string) => `Yes: ${count(n)} recorded on ${day}`,
    onlineAccounts: "Eligible patients with an online account",
    withProspective: "… of whom with prospective access",
    prospectiveShare: "Prospective access share (target 90%)",
    open: "Open requests at the end of the month",
    pastTarget: "… waiting longer than the practice's target",
    emailsSent: "Campaign emails sent",
    emailsFailed: "Campaign emails that failed",
    lettersNeeded: "Patients who needed a letter",
  },
  received: (kind: string) => `${kind}: received`,
  decided: (kind: string) => `${kind}: decided`,
  done: (kind: string) => `${kind}: done in the clinical system`,
  practicesHeading: "Your practices",
  practicesCaption: "Every practice where you can see reports, this month",
  practicesHead: ["Practice", "Eligible", "Active 104 share", "Prospective access", "Open requests"],
  letterHeading: "Letter to the commissioner",
  letterIntro: "A letter from the practice to the ICB with this month's figures and how the practice is handling online access. Check it before you send it.",
  addresseeLabel: "Who the letter is to",
  addresseeHint: "Name and address, one line each. For example: Primary care commissioning team, then the ICB's address.",
  addresseeMissing: "Enter who the letter is to",
  letterButton: "Produce the letter (PDF)",
};

/** The letter to the commissioner: the practice's figures and how it handles online access. */
export const commissionerLetterContent = {
  dear: "Dear colleague,",
  heading: (practice: string, month: string) => `Online access to GP records at ${practice}: ${month}`,
  intro: (practice: string, ods: string) =>
    `This letter gives ${practice}'s (${ods}) figures for online access to GP records, and how we handle it. The figures come from our patient list as our latest import shows it.`,
  figuresHeading: "Our figures",
  eligible: (n: string, asOf: string) => `Eligible patients (aged 16 or over, alive and registered) on ${asOf}: ${n}.`,
  enhancedReview: (n: string, share: string) => `Patients with an active 104 (online access to be reviewed first): ${n}, ${share} of eligible patients.`,
  red: "This is above 50%, and we are reviewing the 104 list patient by patient under an action plan, reporting to you monthly.",
  amber: "This is above 10%, and we are reviewing the 104 list to record a 106 for every patient who is not at risk.",
  green: "This is below the 10% at which NHS England asks practices to look again.",
  bulk: (n: string, day: string) => `${n} of these 104s were recorded on ${day}, which suggests they were added in bulk; each is being reviewed.`,
  prospective: (share: string, accounts: string) => `Online accounts with prospective access to their record: ${share} of ${accounts} (the national target is 90%).`,
  requests: (received: string, decided: string, done: string) =>
    `Requests from patients this month: ${received} received, ${decided} decided and ${done} carried out in the clinical system.`,
  queue: (open: string, pastTarget: string, target: string) => `Open requests: ${open}, of which ${pastTarget} have waited longer than our target of ${target}.`,
  approachHeading: "How we handle online access",
  approach: [
    "We follow the opt-out model: patients aged 16 or over see new entries in their record in the NHS App unless they choose otherwise. We told every eligible patient about the change by email, and by letter where we hold no email address.",
    "Patients can opt out, keep only appointments and prescriptions, or change their mind, online or by phone, letter or at the desk. Every request is checked against our records before anything changes, and every decision is recorded.",
    "A clinician reviews each patient with a 104 code. Where a patient is not at risk we record a 106. A request for access from a patient with a 104 is decided by a clinician after a conversation with them. Messages about this never say why a patient's access is being reviewed, and go only to contact details private to the patient.",
  ],
  close: "Please contact the practice if you need more detail.",
};
