import { describe, expect, it } from "vitest";
import { actionLabel, describeAuditEvent, type AuditFacts, type AuditNames } from "../../../app/content/audit";

// The audit trail's sentences for the events the decision service writes, the outbox's steps, and
// actions nobody has worded yet: always words, never the stored JSON.

const names: AuditNames = {
  request: (id) => (id === "req-1" ? "RQ-7K3F-9QX2" : undefined),
  patientNhsNumber: (id) => (id === "pat-1" ? "9434765919" : undefined),
  staff: (id) => (id === "staff-2" ? "Rita Reception" : undefined),
};

const byAnn = (action: string, summary: Record<string, unknown>, subject: Partial<AuditFacts> = {}): AuditFacts => ({
  action,
  actorId: "staff-1",
  actorName: "Dr Ann Lee",
  actorRole: "clinician",
  subjectType: "request",
  subjectId: "req-1",
  summary,
  ...subject,
});

const outbox = (action: string, summary: Record<string, unknown>): AuditFacts => ({
  action,
  actorId: null,
  actorName: null,
  actorRole: "system",
  subjectType: "message",
  subjectId: "msg-1",
  summary: { channel: "email", templateKey: "outcome-access-granted", toAddress: "jane@example.org", reference: "RQ-7K3F-9QX2", ...summary },
});

describe("describeAuditEvent", () => {
  it.each<[string, AuditFacts, string]>([
    [
      "a grant after counselling, as the decision service records it",
      byAnn("request.decided", {
        reference: "RQ-7K3F-9QX2",
        outcome: "granted",
        codeToEnter: "106",
        accessLevel: "prospective-record",
        accessLevelReason: null,
        counselledOn: "2026-11-20",
        counsellingMethod: "phone",
        counsellingHeldBy: "Dr Ann Lee",
        reason: null,
        identityMethod: "known-to-staff",
        outcomeMessageId: null,
        channel: null,
      }),
      "Dr Ann Lee (clinician) decided request RQ-7K3F-9QX2: access granted (code 106 to enter, prospective record access). Counselled on 20 November 2026 by phone, by Dr Ann Lee. Identity: known to staff.",
    ],
    [
      "access withheld, with a level chosen by hand and a reason",
      byAnn("request.decided", {
        outcome: "withheld",
        codeToEnter: null,
        accessLevel: "none",
        accessLevelReason: "Asked for nothing online.",
        reason: "Risk from a family member.",
      }),
      "Dr Ann Lee (clinician) decided request RQ-7K3F-9QX2: access withheld (no code to enter, no online access). Access level chosen because: “Asked for nothing online”. Reason: “Risk from a family member”.",
    ],
    [
      "a decision reopened to be corrected",
      byAnn("request.reopened", { reason: "Wrong patient's notes read.", supersededDecisionId: "dec-1", cancelledMessageIds: ["msg-1"] }),
      "Dr Ann Lee (clinician) reopened request RQ-7K3F-9QX2 to correct its decision: “Wrong patient's notes read”; the earlier decision is kept in its history, and 1 message not yet gone to the patient was withdrawn.",
    ],
    [
      "an opt-out decided, the outcome told at once by email",
      byAnn("request.decided", { outcome: "opt-out-recorded", codeToEnter: "103", accessLevel: "none", identityMethod: "photo-id", channel: "email" }),
      "Dr Ann Lee (clinician) decided request RQ-7K3F-9QX2: opt-out recorded (code 103 to enter, no online access); the outcome email to the patient was queued. Identity: photo ID seen.",
    ],
    [
      "done in the clinical system, the outcome to go by letter",
      byAnn("request.actioned", { outcomeMessageId: "msg-1", channel: "letter" }),
      "Dr Ann Lee (clinician) marked request RQ-7K3F-9QX2 done in the clinical system; the patient is to be told by letter.",
    ],
    [
      "an outcome message withdrawn",
      byAnn("request.outcome-message-cancelled", {}),
      "Dr Ann Lee (clinician) cancelled the outcome message of request RQ-7K3F-9QX2 before it was sent.",
    ],
    [
      "a request assigned, named from the staff list",
      byAnn("request.assigned", { to: "staff-2", toName: null }),
      "Dr Ann Lee (clinician) assigned request RQ-7K3F-9QX2 to Rita Reception.",
    ],
    [
      "an action nobody has worded yet",
      byAnn("request.escalated", { urgency: "high", pages: 3, urgent: true, decisionId: "dec-1", detail: { nested: true } }),
      "Dr Ann Lee (clinician): request escalated, request RQ-7K3F-9QX2 (urgency: high; pages: 3; urgent: yes).",
    ],
    [
      "an unworded action about a patient",
      byAnn("patient.merged", {}, { subjectType: "patient", subjectId: "pat-1" }),
      "Dr Ann Lee (clinician): patient merged, patient 943 476 5919.",
    ],
    [
      "an email that could not be delivered",
      outbox("message.failed", { status: "permanent-failure", failureReason: "550 No such mailbox." }),
      "The outbox could not deliver the email “Outcome: access switched on” to jane@example.org, about request RQ-7K3F-9QX2: 550 No such mailbox.",
    ],
    [
      "an email whose sending is in doubt",
      outbox("message.unknown", { status: "unknown" }),
      "Whether the email “Outcome: access switched on” to jane@example.org, about request RQ-7K3F-9QX2 was sent is not known: the outbox stopped while sending it. Check with the patient before sending it again.",
    ],
    [
      "an email cancelled before it went",
      outbox("message.queued", { status: "cancelled" }),
      "The portal queued the email “Outcome: access switched on” to jane@example.org, about request RQ-7K3F-9QX2. It was cancelled before it was sent.",
    ],
    [
      "an email waiting to be tried again",
      outbox("message.queued", { status: "queued", failureReason: "421 Try later" }),
      "The portal queued the email “Outcome: access switched on” to jane@example.org, about request RQ-7K3F-9QX2. It has not gone yet: the last try failed (421 Try later) and it will be tried again.",
    ],
    [
      "a refused page",
      { ...byAnn("access.denied", { permission: "view-audit", path: "/staff/audit" }), subjectType: null, subjectId: null },
      "Dr Ann Lee (clinician) was refused the page /staff/audit: their role does not allow it.",
    ],
  ])("words %s", (_why, facts, sentence) => {
    expect(describeAuditEvent(facts, names)).toBe(sentence);
  });

  it("names who did it when the portal or the patient acted", () => {
    const received = { ...byAnn("request.received", { reference: "RQ-7K3F-9QX2", kind: "opt-out", channel: "personal-link", match: "full", joined: false }), actorId: null, actorName: null, actorRole: "patient" };
    expect(describeAuditEvent(received, names)).toBe("The patient sent request RQ-7K3F-9QX2 to opt out of online access, through a personal link.");
    const system = { ...byAnn("decisions.confirmed-by-import", { confirmed: 2 }), actorId: null, actorName: null, actorRole: "system" };
    expect(describeAuditEvent(system, names)).toBe("The portal imported a list showing 2 decisions done in the clinical system.");
  });
});

describe("actionLabel", () => {
  it("names known actions and turns unknown ones into words", () => {
    expect(actionLabel("request.decided")).toBe("Request decided");
    expect(actionLabel("request.some-new-thing")).toBe("Request some new thing");
  });
});
