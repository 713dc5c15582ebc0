import { formatLongDay } from "../domain/calendar";
import { formatNhsNumber } from "../domain/nhs-number";
import type { NhsNumberProblem } from "../domain/nhs-number";

// What managers read on the audit trail (/staff/audit and its CSV): each event as one sentence in
// plain words, never the stored JSON. An action nobody has worded yet still reads as words.
//
// The names of request kinds, states, outcomes, access levels and identity checks below follow
// app/content/review-queue.ts (its auditActionNames, requestStateNames and decisionOutcomeNames),
// copied rather than shared: they are written to stand mid-sentence here.

export const auditContent = {
  title: "Audit trail",
  intro: "Every change and every view of patient details, newest first. Entries cannot be changed or deleted.",
  patientIntro: (nhsNumber: string) =>
    `Everything recorded about the patient with NHS number ${nhsNumber}: their requests, decisions, searches and views of their record, and what happened to each email and letter to them. Newest first.`,
  who: "Who",
  anyone: "Anyone",
  what: "What",
  anything: "Anything",
  patientLabel: "Patient's NHS number",
  patientHint: "For example, 999 123 4567",
  fromLabel: "From (YYYY-MM-DD)",
  toLabel: "To (YYYY-MM-DD)",
  filterButton: "Filter",
  clearFilters: "Clear the filters",
  patientProblems: {
    missing: "Enter the patient's NHS number",
    format: "Enter the patient's NHS number as 10 digits, such as 999 123 4567",
    "check-digit": "The patient's NHS number is not valid: check the 10 digits",
  } satisfies Record<NhsNumberProblem, string>,
  patientNotFound: "No patient at this practice has that NHS number.",
  /** `total` is known for a patient's trail; otherwise only whether there are other pages. */
  caption: (shown: number, total: number | null, paged: boolean) =>
    total === null
      ? paged
        ? `${shown} matching ${shown === 1 ? "entry" : "entries"} on this page`
        : `${shown} matching ${shown === 1 ? "entry" : "entries"}`
      : shown === total
        ? `${total} matching ${total === 1 ? "entry" : "entries"}`
        : `${shown} of ${total} matching entries`,
  head: ["When", "What happened"],
  empty: "There are no entries that match.",
  newer: "Newer entries",
  older: "Older entries",
  pagesLabel: "Pages of the audit trail",
  download: (total: number | null) =>
    total === null
      ? "Download every matching entry, on all pages, as a spreadsheet (CSV)"
      : `Download ${total === 1 ? "this entry" : `all ${total.toLocaleString("en-GB")} entries`} as a spreadsheet (CSV)`,
  csvHeader: ["When (UK time)", "Who", "Role", "What happened", "Event"],
  csvTruncated: (limit: number) =>
    `Only the newest ${limit.toLocaleString("en-GB")} entries are in this file: choose a shorter time or another filter to see the rest.`,
};

/** "21 Nov 2026, 14:03:07", UK time. */
export function auditTime(instant: Date): string {
  return ukDateTime.format(instant);
}

const ukDateTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

const ukMinute = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** Short names for the "What" filter and the CSV. */
const ACTION_LABELS: Record<string, string> = {
  "request.received": "Request received",
  "request.viewed": "Request viewed",
  "request.moved": "Request moved",
  "request.linked": "Request linked to a patient",
  "request.decided": "Request decided",
  "request.reopened": "Request reopened",
  "request.actioned": "Request done in the clinical system",
  "request.closed": "Request closed",
  "request.step-refused": "Request step refused",
  "request.assigned": "Request assigned",
  "request.outcome-message-cancelled": "Outcome message cancelled",
  "request.refused-throttled": "Request refused: too many attempts",
  "requests.searched": "Requests searched",
  "patients.searched": "Patients searched",
  "patient.viewed": "Patient record viewed",
  "patient.large-print-set": "Large print set",
  "at-risk.reviewed": "At-risk review",
  "letter.produced": "Letter produced",
  "letters.printed": "Letters marked printed",
  "message.queued": "Email or letter queued",
  "message.sent": "Email sent",
  "message.failed": "Email not delivered",
  "message.unknown": "Email fate unknown",
  "message.resent": "Email sent again",
  "campaign.created": "Campaign created",
  "campaign.sent": "Campaign sent",
  "campaign.scheduled": "Campaign scheduled",
  "campaign.cancelled": "Campaign cancelled",
  "audit.viewed": "Audit trail viewed",
  "audit.downloaded": "Audit trail downloaded",
  "access.denied": "Access refused",
  "export.remediation": "106 remediation list downloaded",
  "export.actions": "Clinical-system actions downloaded",
  "report.commissioner-letter": "Commissioner letter produced",
  "patients.imported": "Patient list imported",
  "patients.import-refused": "Patient list import refused",
  "decisions.confirmed-by-import": "Decisions confirmed by an import",
  "staff.signed-in": "Signed in",
  "staff.signed-out": "Signed out",
  "staff.signed-out-everywhere": "Signed out everywhere",
  "staff.sign-in-failed": "Sign-in failed",
  "staff.sign-in-refused-locked": "Sign-in refused: locked",
  "staff.totp-enrolled": "Authenticator app set up",
  "staff.password-set": "Password set",
  "staff.password-changed": "Password changed",
  "staff.recovery-codes-replaced": "Recovery codes replaced",
  "staff.practice-switched": "Practice switched",
  "staff.invited": "Staff invited",
  "staff.added": "Staff added",
  "staff.role-changed": "Staff role changed",
  "staff.disabled": "Staff disabled",
  "staff.enabled": "Staff enabled",
  "staff.invitation-withdrawn": "Invitation withdrawn",
  "staff.invitation-accepted": "Invitation accepted",
  "staff.invitation-declined": "Invitation declined",
  "staff.sign-in-reset": "Sign-in reset",
};

/** "request.outcome-message-cancelled" as "Request outcome message cancelled". */
function actionWords(action: string): string {
  const words = action.replace(/[._-]+/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The name of an action for the "What" filter and the CSV: words, never the code alone. */
export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? actionWords(action);
}

const ROLE_WORDS: Record<string, string> = { reception: "reception", clinician: "clinician", manager: "manager" };

const KIND_PHRASES: Record<string, string> = {
  "opt-out": "to opt out of online access",
  "opt-in": "asking for online access",
  "withdraw-opt-out": "withdrawing an opt-out",
};

const CHANNEL_PHRASES: Record<string, string> = {
  "personal-link": "through a personal link",
  "online-form": "through the online form",
  phone: "by phone",
  paper: "on paper",
  "in-person": "at the desk",
};

const STATE_WORDS: Record<string, string> = {
  received: "received",
  "identity-check": "identity to check",
  triage: "triage",
  "clinician-review": "clinician review",
  counselling: "counselling",
  decided: "decided",
  actioned: "done in the clinical system",
  closed: "closed",
};

const OUTCOME_WORDS: Record<string, string> = {
  granted: "access granted",
  withheld: "access withheld",
  "opt-out-recorded": "opt-out recorded",
  "rejected-unverified": "rejected, identity not verified",
  "outside-service": "outside this service",
};

const ACCESS_LEVEL_WORDS: Record<string, string> = {
  none: "no online access",
  "appointments-and-prescriptions": "appointments and prescriptions only",
  "prospective-record": "prospective record access",
};

const IDENTITY_METHOD_WORDS: Record<string, string> = {
  "record-match": "details matched the record",
  "photo-id": "photo ID seen",
  "known-to-staff": "known to staff",
  "nhs-login": "NHS login",
  vouched: "vouched for",
  "not-verified": "not verified",
};

const COUNSELLING_METHOD_WORDS: Record<string, string> = { "in-person": "in person", phone: "by phone", video: "by video call" };

const AT_RISK_WORDS: Record<string, string> = {
  "confirmed-at-risk": "confirmed at risk",
  "not-at-risk": "not at risk",
  "to-discuss": "to discuss",
};

const TEMPLATE_WORDS: Record<string, string> = {
  "opt-out-announcement": "Opt-out model announcement",
  "opt-in-invitation": "Invitation to ask for online access",
  "request-received": "Request received",
  "outcome-opt-out-recorded": "Outcome: opt-out recorded",
  "outcome-access-granted": "Outcome: access switched on",
  "outcome-access-not-granted": "Outcome: access not switched on for now",
  "outcome-opt-out-keep-appointments": "Outcome: opt-out recorded, keeping appointments and prescriptions",
  "outcome-outside-service": "Outcome: outside this service",
};

const EXPORT_WORDS: Record<string, string> = {
  "export.remediation": "the 106 remediation list",
  "export.actions": "the list of clinical-system actions",
};

/** A value from a stored summary, in words, or undefined when it is not one. */
function words(map: Record<string, string>, value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  return map[value] ?? value.replace(/-/g, " ");
}

/** What an audit event is about, as stored, and who did it. */
export interface AuditFacts {
  action: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string;
  subjectType: string | null;
  subjectId: string | null;
  summary: Record<string, unknown>;
}

/** Names the stored ids stand for, looked up for the page being shown. */
export interface AuditNames {
  request(id: string): string | undefined;
  patientNhsNumber(id: string): string | undefined;
  staff(id: string): string | undefined;
}

/** Who did it: a name and role, or who the portal was acting for. */
export function actorPhrase(facts: Pick<AuditFacts, "actorName" | "actorRole" | "action">): string {
  if (facts.action.startsWith("message.") && facts.actorName === null && facts.actorRole === "system") {
    return facts.action === "message.queued" ? "The portal" : "The outbox";
  }
  if (facts.actorName) {
    const role = ROLE_WORDS[facts.actorRole];
    return role ? `${facts.actorName} (${role})` : facts.actorName;
  }
  switch (facts.actorRole) {
    case "patient":
      return "The patient";
    case "system":
      return "The portal";
    case "cli":
      return "Someone at the command line";
    case "anonymous":
      return "Someone not signed in";
    default:
      return ROLE_WORDS[facts.actorRole] ? `A member of staff (${ROLE_WORDS[facts.actorRole]})` : "Someone";
  }
}

const text = (summary: Record<string, unknown>, key: string): string | undefined => {
  const value = summary[key];
  return typeof value === "string" && value !== "" ? value : undefined;
};
const count = (summary: Record<string, unknown>, key: string): number | undefined => {
  const value = summary[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
};
const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;
/** Free text staff typed, quoted, without its own closing full stop. */
const quoted = (value: string) => `“${value.trim().replace(/[.\s]+$/, "")}”`;
const nhs = (digits: string) => (/^\d{10}$/.test(digits) ? formatNhsNumber(digits) : digits);
const longDay = (day: string) => (/^\d{4}-\d{2}-\d{2}$/.test(day) ? formatLongDay(day) : day);
const minute = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : ukMinute.format(date);
};
const template = (key: unknown) => (typeof key === "string" ? `“${TEMPLATE_WORDS[key] ?? actionWords(key)}”` : "a message");

/** Joins a sentence's parts and ends it with one full stop. */
function sentence(...parts: (string | undefined | false)[]): string {
  const joined = parts.filter((p): p is string => typeof p === "string" && p !== "").join("");
  return /[.!?]$/.test(joined) ? joined : `${joined}.`;
}

/** The event as one plain sentence: who did what, to which request or patient. */
export function describeAuditEvent(facts: AuditFacts, names: AuditNames): string {
  const s = facts.summary ?? {};
  const actor = actorPhrase(facts);
  const requestId = facts.subjectType === "request" ? facts.subjectId : text(s, "requestId");
  const reference = text(s, "reference") ?? (requestId ? names.request(requestId) : undefined);
  const request = reference ? `request ${reference}` : "a request";
  const patientId = facts.subjectType === "patient" ? facts.subjectId : text(s, "patientId");
  const nhsDigits = text(s, "nhsNumber") ?? (patientId ? names.patientNhsNumber(patientId) : undefined);
  const patient = nhsDigits ? `patient ${nhs(nhsDigits)}` : "a patient";
  const staffName = (id: unknown) => (typeof id === "string" ? names.staff(id) : undefined);

  switch (facts.action) {
    case "request.received": {
      const kind = words(KIND_PHRASES, s.kind);
      const channel = words(CHANNEL_PHRASES, s.channel);
      const match =
        s.match === "partial"
          ? "; the details matched a patient only in part, so who sent it is to be checked"
          : s.match === "none"
            ? "; no patient matched the details, so who sent it is to be checked"
            : "";
      const takenBy = staffName(s.takenBy);
      const receivedAt = text(s, "receivedAt");
      if (s.joined === true) {
        return sentence(actor, " sent another request", kind && ` ${kind}`, channel && ` ${channel}`, `, added to the open ${request}`, match);
      }
      if (facts.actorRole === "patient" || facts.actorName === null) {
        return sentence(actor, ` sent ${request}`, kind && ` ${kind}`, channel && `, ${channel}`, match);
      }
      return sentence(
        actor,
        ` entered ${request}`,
        kind && ` ${kind}`,
        channel && `, taken ${channel}`,
        takenBy && ` by ${takenBy}`,
        receivedAt && ` on ${minute(receivedAt)}`,
        match,
      );
    }
    case "request.viewed":
      return sentence(actor, ` viewed ${request}`, nhsDigits && ` (${patient})`);
    case "request.moved": {
      const counselledOn = text(s, "counselledOn");
      const method = words(COUNSELLING_METHOD_WORDS, s.counsellingMethod);
      return sentence(
        actor,
        ` moved ${request}`,
        typeof s.from === "string" && ` from ${words(STATE_WORDS, s.from)}`,
        typeof s.to === "string" && ` to ${words(STATE_WORDS, s.to)}`,
        counselledOn && `, with counselling on ${longDay(counselledOn)}${method ? ` ${method}` : ""}`,
      );
    }
    case "request.linked": {
      const matched = s.identityMatch === "partial" ? " (the details given matched only in part)" : s.identityMatch === "none" ? " (no patient had matched the details given)" : "";
      return sentence(actor, ` linked ${request} to ${patient}`, matched);
    }
    case "request.decided":
      return describeDecision(actor, request, s, staffName);
    case "request.reopened": {
      const reason = text(s, "reason");
      const withdrawn = Array.isArray(s.cancelledMessageIds) ? s.cancelledMessageIds.length : 0;
      return sentence(
        actor,
        ` reopened ${request} to correct its decision`,
        reason && `: ${quoted(reason)}`,
        "; the earlier decision is kept in its history",
        withdrawn > 0 && `, and ${plural(withdrawn, "message", "messages")} not yet gone to the patient ${withdrawn === 1 ? "was" : "were"} withdrawn`,
      );
    }
    case "request.actioned":
      return sentence(actor, ` marked ${request} done in the clinical system`, toldPhrase(s.channel));
    case "request.closed":
      return sentence(actor, ` recorded that the patient was told the outcome of ${request}, and closed it`);
    case "request.step-refused": {
      const reason = text(s, "reason");
      return sentence(
        actor,
        ` was refused a step on ${request}`,
        typeof s.from === "string" && typeof s.to === "string" && ` (from ${words(STATE_WORDS, s.from)} to ${words(STATE_WORDS, s.to)})`,
        reason && `: ${reason.replace(/\.$/, "")}`,
      );
    }
    case "request.assigned": {
      const to = text(s, "toName") ?? staffName(s.to);
      return s.to ? sentence(actor, ` assigned ${request} to ${to ?? "a member of staff"}`) : sentence(actor, ` left ${request} assigned to nobody`);
    }
    case "request.outcome-message-cancelled": {
      const reason = text(s, "reason");
      return sentence(actor, ` cancelled the outcome message of ${request} before it was sent`, reason && `: ${quoted(reason)}`);
    }
    case "request.refused-throttled":
      return sentence(
        "A request",
        typeof s.kind === "string" && ` ${words(KIND_PHRASES, s.kind)}`,
        " was refused without being kept: ",
        s.reason === "address" ? "too many requests came from the same network address" : "too many requests were sent with the same name and date of birth",
      );
    case "requests.searched":
      return sentence(actor, ` searched the requests for ${searchPhrase(s.search)}`, foundPhrase(s));
    case "patients.searched": {
      const why = s.purpose === "link-request" ? ` to link ${request}` : s.purpose === "enter-request" ? " to enter a request" : "";
      return sentence(actor, ` searched for patients by ${searchPhrase(s.search)}`, why, foundPhrase(s));
    }
    case "patient.viewed":
      return sentence(actor, ` looked at the record of ${patient}`);
    case "patient.large-print-set":
      return sentence(actor, ` set letters to ${patient} to be printed in ${s.largePrint === true ? "large" : "standard"} print`);
    case "at-risk.reviewed": {
      const note = text(s, "note");
      const previous = words(AT_RISK_WORDS, s.previousOutcome);
      return sentence(
        actor,
        ` reviewed ${patient} on the at-risk list: ${words(AT_RISK_WORDS, s.outcome) ?? "reviewed"}`,
        previous ? ` (before: ${previous})` : " (not reviewed before)",
        note && `. Note: ${quoted(note)}`,
      );
    }
    case "letter.produced":
      return sentence(
        actor,
        s.kind === "registration" ? ` produced an NHS App registration letter for ${patient}` : ` produced the letter ${template(s.templateKey)} for ${patient}`,
        s.largePrint === true && ", in large print",
      );
    case "letters.printed":
      return sentence(actor, " marked a batch of letters as printed");
    case "message.resent":
      return sentence(actor, " asked for an email whose sending was in doubt to be sent again");
    case "message.queued":
    case "message.sent":
    case "message.failed":
    case "message.unknown":
      return describeMessage(actor, facts.action, s);
    case "campaign.created": {
      const recipients = count(s, "recipients");
      const letters = count(s, "letters");
      return sentence(
        actor,
        ` created the campaign ${template(s.templateKey)}`,
        recipients !== undefined && `: ${plural(recipients, "email", "emails")}`,
        letters !== undefined && ` and ${plural(letters, "letter", "letters")}`,
      );
    }
    case "campaign.sent":
      return sentence(actor, ` started sending the campaign ${template(s.templateKey)}`, s.ignoreSendingHours === true && ", outside sending hours if need be");
    case "campaign.scheduled": {
      const when = text(s, "scheduledFor");
      return sentence(actor, ` scheduled the campaign ${template(s.templateKey)}`, when && ` for ${minute(when)}`);
    }
    case "campaign.cancelled":
      return sentence(actor, ` cancelled the campaign ${template(s.templateKey)}`);
    case "audit.viewed":
    case "audit.downloaded":
      return sentence(
        actor,
        facts.action === "audit.viewed" ? " looked at the audit trail" : " downloaded the audit trail as a spreadsheet",
        nhsDigits ? ` of ${patient}` : typedPatient(s.filters),
        filtersPhrase(s.filters, names),
      );
    case "access.denied": {
      const path = text(s, "path");
      return sentence(actor, ` was refused ${path ? `the page ${path}` : "a page"}: their role does not allow it`);
    }
    case "export.remediation":
    case "export.actions": {
      const rows = count(s, "rows");
      return sentence(actor, ` downloaded ${EXPORT_WORDS[facts.action]}`, rows !== undefined && ` (${plural(rows, "row", "rows")})`);
    }
    case "report.commissioner-letter": {
      const month = text(s, "month");
      return sentence(actor, " produced the letter to the commissioner", month && ` for ${month}`);
    }
    case "patients.imported": {
      const file = text(s, "fileName");
      const parts = [
        [count(s, "inserted"), "new"],
        [count(s, "updated"), "changed"],
        [count(s, "deregistered"), "no longer registered"],
        [count(s, "rejected"), "rows refused"],
      ]
        .filter((p): p is [number, string] => typeof p[0] === "number")
        .map(([n, what]) => `${n.toLocaleString("en-GB")} ${what}`);
      return sentence(actor, " imported the patient list", file && ` from ${quoted(file)}`, parts.length > 0 && `: ${parts.join(", ")}`);
    }
    case "patients.import-refused": {
      const file = text(s, "fileName");
      const reason = text(s, "reason");
      return sentence(actor, " tried to import the patient list", file && ` from ${quoted(file)}`, "; it was refused", reason && `: ${reason.replace(/\.$/, "")}`);
    }
    case "decisions.confirmed-by-import": {
      const confirmed = count(s, "confirmed") ?? 0;
      return sentence(actor, ` imported a list showing ${plural(confirmed, "decision", "decisions")} done in the clinical system`);
    }
    case "staff.role-changed":
      return sentence(
        actor,
        ` changed the role of ${staffName(facts.subjectId) ?? "a member of staff"}`,
        typeof s.before === "string" && ` from ${s.before}`,
        typeof s.after === "string" && ` to ${s.after}`,
      );
    case "staff.invited":
    case "staff.added":
      return sentence(
        actor,
        facts.action === "staff.invited" ? " invited " : " added ",
        text(s, "email") ?? staffName(facts.subjectId) ?? "someone",
        typeof s.role === "string" && ` as ${s.role}`,
      );
    default: {
      const simple = STAFF_SENTENCES[facts.action];
      if (simple) return sentence(actor, simple(text(s, "email") ?? staffName(facts.subjectId) ?? "a member of staff"));
      return describeUnknown(actor, facts.action, s, reference, nhsDigits, staffName);
    }
  }
}

const STAFF_SENTENCES: Record<string, (who: string) => string> = {
  "staff.signed-in": () => " signed in",
  "staff.signed-out": () => " signed out",
  "staff.signed-out-everywhere": () => " signed out on every device",
  "staff.sign-in-failed": () => " failed to sign in",
  "staff.sign-in-refused-locked": () => " was refused sign-in after too many attempts",
  "staff.totp-enrolled": () => " set up their authenticator app",
  "staff.password-set": () => " set their password",
  "staff.password-changed": () => " changed their password",
  "staff.recovery-codes-replaced": () => " replaced their recovery codes",
  "staff.practice-switched": () => " switched to this practice",
  "staff.disabled": (who) => ` stopped ${who} signing in to this practice`,
  "staff.enabled": (who) => ` let ${who} sign in to this practice again`,
  "staff.invitation-withdrawn": (who) => ` withdrew the invitation to ${who}`,
  "staff.invitation-accepted": () => " accepted their invitation to this practice",
  "staff.invitation-declined": () => " declined their invitation to this practice",
  "staff.sign-in-reset": (who) => ` reset the sign-in of ${who}`,
};

function describeDecision(actor: string, request: string, s: Record<string, unknown>, staffName: (id: unknown) => string | undefined): string {
  const outcome = words(OUTCOME_WORDS, s.outcome) ?? "decided";
  const details: string[] = [];
  if ("codeToEnter" in s) details.push(typeof s.codeToEnter === "string" ? `code ${s.codeToEnter} to enter` : "no code to enter");
  const level = words(ACCESS_LEVEL_WORDS, s.accessLevel);
  if (level) details.push(level);
  const levelReason = text(s, "accessLevelReason");
  const counselledOn = text(s, "counselledOn");
  const method = words(COUNSELLING_METHOD_WORDS, s.counsellingMethod);
  const heldBy = text(s, "counsellingHeldBy");
  const reason = text(s, "reason");
  const identity = words(IDENTITY_METHOD_WORDS, s.identityMethod);
  return [
    sentence(actor, ` decided ${request}: ${outcome}`, details.length > 0 && ` (${details.join(", ")})`, toldPhrase(s.channel)),
    levelReason && sentence(`Access level chosen because: ${quoted(levelReason)}`),
    counselledOn && sentence(`Counselled on ${longDay(counselledOn)}`, method && ` ${method}`, heldBy && `, by ${staffName(heldBy) ?? heldBy}`),
    reason && sentence(`Reason: ${quoted(reason)}`),
    identity && sentence(`Identity: ${identity}`),
  ]
    .filter(Boolean)
    .join(" ");
}

/** How the patient is being told an outcome, when a step queued the message. */
function toldPhrase(channel: unknown): string {
  return channel === "email" ? "; the outcome email to the patient was queued" : channel === "letter" ? "; the patient is to be told by letter" : "";
}

function describeMessage(actor: string, action: string, s: Record<string, unknown>): string {
  const letter = s.channel === "letter";
  const to = text(s, "toAddress");
  const reference = text(s, "reference");
  const about = reference ? `, about request ${reference}` : s.campaignId ? ", from a campaign" : "";
  const what = `${letter ? "the letter" : "the email"} ${template(s.templateKey)}`;
  const failure = text(s, "failureReason");
  switch (action) {
    case "message.queued": {
      const now =
        s.status === "cancelled"
          ? `. It was cancelled before it ${letter ? "was printed" : "was sent"}`
          : letter
            ? ""
            : s.status === "queued" && failure
              ? `. It has not gone yet: the last try failed (${failure.replace(/\.$/, "")}) and it will be tried again`
              : s.status === "queued" || s.status === "sending"
                ? ". It has not been sent yet"
                : "";
      return sentence(actor, letter ? ` listed ${what} to be printed` : ` queued ${what}`, !letter && to && ` to ${to}`, about, now);
    }
    case "message.sent":
      return sentence(actor, ` sent ${what}`, to && ` to ${to}`, about);
    case "message.unknown":
      return sentence(
        `Whether ${what}`,
        to && ` to ${to}`,
        about,
        " was sent is not known: the outbox stopped while sending it. Check with the patient before sending it again",
      );
    default:
      return sentence(
        actor,
        s.status === "permanent-failure" ? ` could not deliver ${what}` : ` gave up sending ${what}`,
        to && ` to ${to}`,
        about,
        failure && `: ${failure.replace(/\.$/, "")}`,
      );
  }
}

function searchPhrase(search: unknown): string {
  if (!search || typeof search !== "object") return "something";
  const s = search as Record<string, unknown>;
  if (s.kind === "nhs-number" && typeof s.digits === "string") return `NHS number ${nhs(s.digits)}`;
  if (s.kind === "reference" && typeof s.reference === "string") return `reference ${s.reference}`;
  if (s.kind === "name" && Array.isArray(s.words)) {
    const name = s.words.filter((w): w is string => typeof w === "string").join(" ");
    return `the name ${quoted(name)}${typeof s.dateOfBirth === "string" ? `, born ${longDay(s.dateOfBirth)}` : ""}`;
  }
  return "something";
}

function foundPhrase(s: Record<string, unknown>): string {
  const found = count(s, "found");
  if (found === undefined) return "";
  return ` (${found.toLocaleString("en-GB")} found${s.more === true ? ", and more not shown" : ""})`;
}

/** An NHS number typed into the filter that found nobody (or was not one), as typed. */
function typedPatient(filters: unknown): string {
  const typed = filters && typeof filters === "object" ? (filters as Record<string, unknown>).patient : undefined;
  return typeof typed === "string" && typed !== "" ? ` for the NHS number typed as ${quoted(typed)}` : "";
}

function filtersPhrase(filters: unknown, names: AuditNames): string {
  if (!filters || typeof filters !== "object") return "";
  const f = filters as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof f.actorId === "string") parts.push(`by ${names.staff(f.actorId) ?? "one member of staff"}`);
  if (typeof f.action === "string") parts.push(`for ${quoted(actionLabel(f.action))}`);
  if (typeof f.from === "string") parts.push(`from ${longDay(f.from)}`);
  if (typeof f.to === "string") parts.push(`to ${longDay(f.to)}`);
  return parts.length > 0 ? `, entries ${parts.join(" ")}` : "";
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An action nobody has worded yet: its name in words, what it was about, and its simple details
 * (an id only when it names a member of staff: a bare id tells a reader nothing).
 */
function describeUnknown(
  actor: string,
  action: string,
  s: Record<string, unknown>,
  reference: string | undefined,
  nhsDigits: string | undefined,
  staffName: (id: unknown) => string | undefined,
): string {
  const shown = (value: unknown): string | undefined => {
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (typeof value === "number") return value.toLocaleString("en-GB");
    if (typeof value !== "string" || value === "") return undefined;
    return UUID.test(value) ? staffName(value) : value;
  };
  const details = Object.entries(s)
    .filter(([key]) => !/(^id|Id|Ids)$/.test(key) && key !== "reference" && key !== "nhsNumber")
    .map(([key, value]) => [key, shown(value)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
    .slice(0, 6)
    .map(([key, value]) => `${actionWords(key).toLowerCase()}: ${value}`);
  return sentence(
    actor,
    `: ${actionWords(action).toLowerCase()}`,
    reference && `, request ${reference}`,
    nhsDigits && `, patient ${nhs(nhsDigits)}`,
    details.length > 0 && ` (${details.join("; ")})`,
  );
}
