import type { CampaignTemplateKey } from "../domain/message-templates";
import type { CampaignStatus } from "../models/campaigns.server";

// Every sentence managers read on the campaign pages.

const n = (value: number) => value.toLocaleString("en-GB");
const count = (value: number, one: string, many: string) => `${n(value)} ${value === 1 ? one : many}`;

const ukDateTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/**
 * A timestamp from a row read with postgres.js. drizzle's postgres-js driver
 * switches the client's date parsing off, so such rows hold PostgreSQL's text
 * ("2026-11-19 14:05:00.123456+00") although their types say Date.
 */
export function toInstant(value: Date | string): Date {
  if (value instanceof Date) return value;
  const instant = new Date(value.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00"));
  if (Number.isNaN(instant.getTime())) throw new RangeError(`Not a timestamp: ${JSON.stringify(value)}`);
  return instant;
}

/** "19 Nov 2026, 14:05", UK time: worked out on the server so the page and its hydration agree. */
export function formatUkDateTime(value: Date | string): string {
  return ukDateTime.format(toInstant(value));
}

export const campaignStatusNames: Record<CampaignStatus, string> = {
  draft: "Not sent yet",
  scheduled: "Scheduled",
  sending: "Sending",
  finished: "Sent",
  cancelled: "Cancelled",
};

/** nhsuk-frontend tag colours for each status. */
export const campaignStatusTags: Record<CampaignStatus, string> = {
  draft: "nhsuk-tag--grey",
  scheduled: "nhsuk-tag--purple",
  sending: "nhsuk-tag--blue",
  finished: "nhsuk-tag--green",
  cancelled: "nhsuk-tag--red",
};

export const campaignsContent = {
  list: {
    title: "Campaigns",
    intro:
      "A campaign sends one message to every patient it applies to. You see who it would go to, and the message as patients would get it, before anything is sent.",
    startHeading: "Start a campaign",
    templateLegend: "Which message do you want to send?",
    templateHints: {
      "opt-out-announcement":
        "Tells patients who will get online access by default what is changing and how to opt out. Not sent to patients with an active 104.",
      "opt-in-invitation":
        "Invites patients with an active 104 to ask for online access, neutrally. Sent only to contact details marked private to the patient.",
    } satisfies Record<CampaignTemplateKey, string>,
    start: "Continue",
    chooseTemplate: "Select which message to send",
    tableCaption: "Your practice's campaigns, newest first",
    head: ["Message", "Status", "Created", "Sent", "Failed", "Letters"],
    none: "There are no campaigns yet.",
    /** After the message's name in each row's link, so that links with the same name can be told apart. */
    linkHidden: (created: string) => `, created ${created}`,
  },
  plan: {
    title: "Check who the campaign will go to",
    intro: "Nothing has been created or sent yet.",
    counts: {
      recipients: "Patients who will get an email",
      letters: "Patients who need a letter (no email address)",
      excluded: "Patients left out",
    },
    exclusionsCaption: "Patients left out, and why",
    exclusionsHead: ["Reason", "Patients"],
    previewsHeading: "The message as patients will get it",
    previewsIntro: (shown: number) =>
      `As the first ${count(shown, "patient", "patients")} by surname will get it. Each patient's own link is made when their email is sent, so here it ends in "…".`,
    noPreviews: "No patient would get this message by email.",
    create: "Create campaign",
    createHint: "Creating the campaign sends nothing: you choose when to send it next.",
    nobody: "No patient would get this message, by email or by letter, so there is nothing to create.",
    chooseAgain: "Choose a different message",
  },
  preview: {
    heading: (index: number, name: string) => `${index}. ${name}`,
    to: "To",
    subject: "Subject",
    htmlHeading: "The email",
    htmlTitle: (name: string) => `The email to ${name}`,
    textHeading: "Plain text version",
  },
  campaign: {
    titles: {
      draft: "Send the campaign",
      scheduled: "Campaign scheduled",
      sending: "Sending the campaign",
      finished: "Campaign sent",
      cancelled: "Campaign cancelled",
    } satisfies Record<CampaignStatus, string>,
    summary: {
      message: "Message",
      status: "Status",
      created: "Created",
      recipients: "Email recipients",
      letters: "Letters needed",
      excluded: "Patients left out",
      scheduledFor: "Sends at",
      started: "Started sending",
      finished: "Finished",
    },
    exclusionsCaption: "Patients left out, and why",
    exclusionsHead: ["Reason", "Patients"],
    previewsHeading: "The message as patients will get it",
    previewsIntro: (shown: number) =>
      `As the first ${count(shown, "recipient", "recipients")} by surname will get it. Each patient's own link is made when their email is sent, so here it ends in "…".`,
    send: {
      heading: "Send it",
      whenLegend: "When should it be sent?",
      sendingHours: (hours: string) => `Campaign email is sent only within sending hours: ${hours}.`,
      outsideHours: (hours: string) => `It is outside sending hours (${hours}) now.`,
      now: "Send now",
      nowOutsideHoursHint: "It is outside sending hours: to send it now, also tick “Send outside sending hours” below.",
      schedule: "Schedule",
      scheduleHint: "Choose a time within sending hours.",
      dateLegend: "Date",
      dateHint: "For example, 27 3 2026",
      timeLabel: "Time (UK time)",
      timeHint: "On the 24-hour clock, for example 09:30",
      ignoreSendingHours: "Send outside sending hours",
      ignoreSendingHoursHint: "Only if patients need this message now rather than in the morning.",
      confirmOptIn: "I confirm this invitation should go to patients with an active 104 code, and only to contact details marked private to them",
      button: "Send campaign",
      chooseWhen: "Select when to send the campaign",
      dateMissing: "Enter the date to send it",
      dateInvalid: "Date to send it must be a real date",
      timeMissing: "Enter the time to send it",
      timeInvalid: "Enter the time on the 24-hour clock, like 09:30",
      confirmMissing: "Confirm that this invitation should go to these patients",
    },
    cancel: {
      button: "Cancel this campaign",
      hint: "Nothing has been sent. A cancelled campaign stays on the list and cannot be sent.",
    },
    cancelled: "This campaign was cancelled. Nothing was sent.",
    progress: {
      heading: "Progress",
      label: "How many emails have been sent",
      text: (sent: number, total: number) => `${n(sent)} of ${n(total)} sent`,
      caption: "Emails by status",
      head: ["Status", "Emails"],
      queued: "Waiting to send",
      sending: "Being sent",
      sent: "Sent",
      failed: "Failed",
      unknown: "Not known if sent",
      scheduled: (when: string) => `Sending starts at ${when}.`,
      waitingForHours: (hours: string) => `Sending continues when sending hours (${hours}) next begin.`,
      refreshing: "This page updates itself every 2 seconds.",
      stopRefreshing: "Stop updating this page automatically",
      checkProgress: "Check progress",
    },
    result: {
      allSent: "Every email was sent.",
      failuresCaption: (shown: number, total: number) =>
        shown < total ? `The first ${n(shown)} of ${count(total, "email", "emails")} that could not be sent` : `${count(total, "email", "emails")} that could not be sent`,
      failuresHead: ["Patient", "NHS number", "Email address", "Status", "Reason"],
      failureStatus: {
        "technical-failure": "Failed: could not be delivered",
        "permanent-failure": "Failed: refused by the mail server",
      } as Record<string, string>,
      failuresNote: "Check these addresses in the clinical system. These patients may need a letter instead.",
      unknownHeading: "Emails that may or may not have been sent",
      unknownIntro:
        "The worker sending these stopped before it knew whether the mail server took them. Before you send one again, check that the patient did not get it: sending again could give them two copies.",
      unknownCaption: (total: number) => count(total, "email not known to have been sent", "emails not known to have been sent"),
      unknownHead: ["Patient", "NHS number", "Email address", "Reason", "Action"],
      resend: "Send again",
      resendHidden: (name: string) => ` to ${name}`,
      lettersHeading: "Patients who need a letter",
      lettersIntro: "These patients have no email address, so the campaign did not email them. Send them a letter instead.",
      lettersLink: "Produce their letters (one PDF, ready for window envelopes)",
      lettersCaption: (shown: number, total: number) =>
        shown < total ? `The first ${n(shown)} of ${count(total, "patient", "patients")} who need a letter` : `${count(total, "patient", "patients")} who need a letter`,
      lettersHead: ["Patient", "NHS number"],
      noLetters: "Every patient in this campaign has an email address: nobody needs a letter.",
    },
    back: "All campaigns",
    notFound: "There is no such campaign.",
    chooseAction: "Choose what to do",
  },
};
