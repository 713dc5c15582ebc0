import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COUNSELLING_METHODS,
  IDENTITY_METHODS,
  MAX_DECISION_TEXT,
  OPT_OUT_SCOPES,
  checkDecision,
  contactRuleFor,
  deriveClinicalChange,
  isUnderProgrammeAge,
  messageRoute,
  needsClinician,
  needsCounselling,
  outcomeMessageDue,
  outcomeTemplateFor,
  outcomeTemplateForDecision,
  type CheckedDecision,
  type CounsellingRecord,
  type DecisionCheck,
  type DecisionDraft,
  type DecisionField,
  type OptOutScope,
  type RequestFacts,
  type RequestMoment,
} from "../../../app/domain/access-decision";
import { ACCESS_STATES, type AccessState } from "../../../app/domain/access-state";
import { addDays, compareDays, isIsoDay } from "../../../app/domain/calendar";
import { ACCESS_LEVELS, type AccessLevel } from "../../../app/domain/clinical-system-steps";
import type { CodeKey } from "../../../app/domain/codes";
import { ageOn } from "../../../app/domain/eligibility";
import type { TemplateKey } from "../../../app/domain/message-templates";
import {
  DECISION_OUTCOMES,
  OUTCOMES_BY_KIND,
  REQUEST_KINDS,
  REQUEST_STATES,
  checkTransition,
  nextStates,
  reopenTarget,
  type DecisionOutcome,
  type RequestKind,
  type RequestState,
} from "../../../app/domain/request-workflow";
import { STAFF_ROLES, type Actor } from "../../../app/domain/roles";

// Issue 18 and DESIGN §2 "Safety invariants of a decision": the rules a decision must keep,
// whoever records it and whatever the form sends.

const FULL = "no-online-access";
const KEEP = "keep-appointments-and-prescriptions";
const A_AND_P = "appointments-and-prescriptions";
const RECORD = "prospective-record";

type Row = [DecisionOutcome, OptOutScope | null, AccessState | null, CodeKey | null, AccessLevel | null, AccessLevel[]];

/**
 * Every outcome × what the patient asked for × the patient's access state, with the code to enter,
 * the access level and the levels a clinician may choose instead (DESIGN §2 "Codes"):
 * - an opt-out enters a 103 unless the patient's 103 already stands, and keeps appointments and
 *   prescriptions only when the patient asked to (a clinician may switch those off too);
 * - a grant enters a 106 only to lift an active (or tied) 104; otherwise no code is needed, and a
 *   103 that stays is worked round by hand;
 * - withholding keeps a standing 104 or 103, and otherwise enters a 104 (which also settles a tie);
 *   record access stays off, appointments and prescriptions on unless a clinician says otherwise;
 * - rejected as unverified and outside this service change nothing.
 */
const DERIVATION: Row[] = [
  ["granted",             FULL, "declined",        null,  RECORD,   []],
  ["granted",             FULL, "conflict",        "106", RECORD,   []],
  ["granted",             FULL, "enhanced-review", "106", RECORD,   []],
  ["granted",             FULL, "review-cleared",  null,  RECORD,   []],
  ["granted",             FULL, "default",         null,  RECORD,   []],
  ["granted",             FULL, null,              null,  RECORD,   []],
  ["granted",             KEEP, "declined",        null,  RECORD,   []],
  ["granted",             KEEP, "conflict",        "106", RECORD,   []],
  ["granted",             KEEP, "enhanced-review", "106", RECORD,   []],
  ["granted",             KEEP, "review-cleared",  null,  RECORD,   []],
  ["granted",             KEEP, "default",         null,  RECORD,   []],
  ["granted",             KEEP, null,              null,  RECORD,   []],
  ["granted",             null, "declined",        null,  RECORD,   []],
  ["granted",             null, "conflict",        "106", RECORD,   []],
  ["granted",             null, "enhanced-review", "106", RECORD,   []],
  ["granted",             null, "review-cleared",  null,  RECORD,   []],
  ["granted",             null, "default",         null,  RECORD,   []],
  ["granted",             null, null,              null,  RECORD,   []],
  ["withheld",            FULL, "declined",        null,  A_AND_P,  ["none"]],
  ["withheld",            FULL, "conflict",        "104", A_AND_P,  ["none"]],
  ["withheld",            FULL, "enhanced-review", null,  A_AND_P,  ["none"]],
  ["withheld",            FULL, "review-cleared",  "104", A_AND_P,  ["none"]],
  ["withheld",            FULL, "default",         "104", A_AND_P,  ["none"]],
  ["withheld",            FULL, null,              "104", A_AND_P,  ["none"]],
  ["withheld",            KEEP, "declined",        null,  A_AND_P,  ["none"]],
  ["withheld",            KEEP, "conflict",        "104", A_AND_P,  ["none"]],
  ["withheld",            KEEP, "enhanced-review", null,  A_AND_P,  ["none"]],
  ["withheld",            KEEP, "review-cleared",  "104", A_AND_P,  ["none"]],
  ["withheld",            KEEP, "default",         "104", A_AND_P,  ["none"]],
  ["withheld",            KEEP, null,              "104", A_AND_P,  ["none"]],
  ["withheld",            null, "declined",        null,  A_AND_P,  ["none"]],
  ["withheld",            null, "conflict",        "104", A_AND_P,  ["none"]],
  ["withheld",            null, "enhanced-review", null,  A_AND_P,  ["none"]],
  ["withheld",            null, "review-cleared",  "104", A_AND_P,  ["none"]],
  ["withheld",            null, "default",         "104", A_AND_P,  ["none"]],
  ["withheld",            null, null,              "104", A_AND_P,  ["none"]],
  ["opt-out-recorded",    FULL, "declined",        null,  "none",   []],
  ["opt-out-recorded",    FULL, "conflict",        "103", "none",   []],
  ["opt-out-recorded",    FULL, "enhanced-review", "103", "none",   []],
  ["opt-out-recorded",    FULL, "review-cleared",  "103", "none",   []],
  ["opt-out-recorded",    FULL, "default",         "103", "none",   []],
  ["opt-out-recorded",    FULL, null,              "103", "none",   []],
  ["opt-out-recorded",    KEEP, "declined",        null,  A_AND_P,  ["none"]],
  ["opt-out-recorded",    KEEP, "conflict",        "103", A_AND_P,  ["none"]],
  ["opt-out-recorded",    KEEP, "enhanced-review", "103", A_AND_P,  ["none"]],
  ["opt-out-recorded",    KEEP, "review-cleared",  "103", A_AND_P,  ["none"]],
  ["opt-out-recorded",    KEEP, "default",         "103", A_AND_P,  ["none"]],
  ["opt-out-recorded",    KEEP, null,              "103", A_AND_P,  ["none"]],
  ["opt-out-recorded",    null, "declined",        null,  "none",   []],
  ["opt-out-recorded",    null, "conflict",        "103", "none",   []],
  ["opt-out-recorded",    null, "enhanced-review", "103", "none",   []],
  ["opt-out-recorded",    null, "review-cleared",  "103", "none",   []],
  ["opt-out-recorded",    null, "default",         "103", "none",   []],
  ["opt-out-recorded",    null, null,              "103", "none",   []],
  ["rejected-unverified", FULL, "declined",        null,  null,     []],
  ["rejected-unverified", FULL, "conflict",        null,  null,     []],
  ["rejected-unverified", FULL, "enhanced-review", null,  null,     []],
  ["rejected-unverified", FULL, "review-cleared",  null,  null,     []],
  ["rejected-unverified", FULL, "default",         null,  null,     []],
  ["rejected-unverified", FULL, null,              null,  null,     []],
  ["rejected-unverified", KEEP, "declined",        null,  null,     []],
  ["rejected-unverified", KEEP, "conflict",        null,  null,     []],
  ["rejected-unverified", KEEP, "enhanced-review", null,  null,     []],
  ["rejected-unverified", KEEP, "review-cleared",  null,  null,     []],
  ["rejected-unverified", KEEP, "default",         null,  null,     []],
  ["rejected-unverified", KEEP, null,              null,  null,     []],
  ["rejected-unverified", null, "declined",        null,  null,     []],
  ["rejected-unverified", null, "conflict",        null,  null,     []],
  ["rejected-unverified", null, "enhanced-review", null,  null,     []],
  ["rejected-unverified", null, "review-cleared",  null,  null,     []],
  ["rejected-unverified", null, "default",         null,  null,     []],
  ["rejected-unverified", null, null,              null,  null,     []],
  ["outside-service",     FULL, "declined",        null,  null,     []],
  ["outside-service",     FULL, "conflict",        null,  null,     []],
  ["outside-service",     FULL, "enhanced-review", null,  null,     []],
  ["outside-service",     FULL, "review-cleared",  null,  null,     []],
  ["outside-service",     FULL, "default",         null,  null,     []],
  ["outside-service",     FULL, null,              null,  null,     []],
  ["outside-service",     KEEP, "declined",        null,  null,     []],
  ["outside-service",     KEEP, "conflict",        null,  null,     []],
  ["outside-service",     KEEP, "enhanced-review", null,  null,     []],
  ["outside-service",     KEEP, "review-cleared",  null,  null,     []],
  ["outside-service",     KEEP, "default",         null,  null,     []],
  ["outside-service",     KEEP, null,              null,  null,     []],
  ["outside-service",     null, "declined",        null,  null,     []],
  ["outside-service",     null, "conflict",        null,  null,     []],
  ["outside-service",     null, "enhanced-review", null,  null,     []],
  ["outside-service",     null, "review-cleared",  null,  null,     []],
  ["outside-service",     null, "default",         null,  null,     []],
  ["outside-service",     null, null,              null,  null,     []],
];

describe("deriveClinicalChange: every outcome × opt-out scope × patient state", () => {
  it("lists each combination once", () => {
    const keys = DERIVATION.map(([outcome, scope, state]) => `${outcome}|${scope}|${state}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(DECISION_OUTCOMES.length * (OPT_OUT_SCOPES.length + 1) * (ACCESS_STATES.length + 1));
  });

  it.each(DERIVATION)("%s, scope %s, patient %s → code %s, level %s, or %j", (outcome, optOutScope, patientState, code, level, otherLevels) => {
    const change = deriveClinicalChange({ outcome, optOutScope, patientState, hadActive104: false });
    expect({ code: change.codeToEnter, level: change.accessLevel, otherLevels: [...change.otherLevels] }).toEqual({ code, level, otherLevels });
    expect(change.why).toMatch(/^[A-Z][^]*\.$/);
  });

  it("enters a 106 as well when a patient's 103 hides the 104 they had during the request", () => {
    const change = deriveClinicalChange({ outcome: "granted", optOutScope: null, patientState: "declined", hadActive104: true });
    expect({ code: change.codeToEnter, level: change.accessLevel }).toEqual({ code: "106", level: RECORD });
    expect(change.why).toContain("103 stays");
  });

  it("gives the same answer with or without a 104 during the request, but for that one case", () => {
    for (const [outcome, optOutScope, patientState] of DERIVATION) {
      if (outcome === "granted" && patientState === "declined") continue;
      expect(deriveClinicalChange({ outcome, optOutScope, patientState, hadActive104: true })).toEqual(
        deriveClinicalChange({ outcome, optOutScope, patientState, hadActive104: false }),
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// checkDecision

const RECEIVED = "2026-11-02";
const TODAY = "2026-11-20";
const ADULT = "1984-07-09";

function factsFor(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return { kind: "opt-in", optOutScope: null, receivedOn: RECEIVED, hadActive104: false, patientState: "default", dateOfBirth: ADULT, ...overrides };
}

/** A patient with an active 104 asking for access. */
const AT_RISK = factsFor({ hadActive104: true, patientState: "enhanced-review" });

const COUNSELLED: CounsellingRecord = {
  on: "2026-11-10",
  method: "phone",
  heldBy: "Dr Amira Patel",
  note: "Talked through what the record shows and how to keep the NHS App private.",
};

function draftFor(overrides: Partial<DecisionDraft> = {}): DecisionDraft {
  return { outcome: "granted", identityMethod: "record-match", counselling: null, reason: null, otherAccessLevel: null, notes: null, ...overrides };
}

function problemsOf(check: DecisionCheck): Array<[DecisionField, string]> {
  return check.ok ? [] : check.problems.map(({ field, message }) => [field, message]);
}

function fieldsOf(check: DecisionCheck): DecisionField[] {
  return problemsOf(check)
    .map(([field]) => field)
    .sort();
}

function acceptedDecision(check: DecisionCheck): CheckedDecision {
  if (!check.ok) throw new Error(`expected the decision to be accepted: ${JSON.stringify(check.problems)}`);
  return check.decision;
}

function expectRefused(check: DecisionCheck, expected: Array<[DecisionField, RegExp]>): void {
  expect(check.ok).toBe(false);
  expect(problemsOf(check)).toEqual(expected.map(([field, message]) => [field, expect.stringMatching(message)]));
}

describe("checkDecision: a grant to a patient who had an active 104", () => {
  const grant = draftFor({ counselling: COUNSELLED });

  it.each<[Actor, RegExp]>([
    ["reception", /Only a clinician can grant access to this patient/],
    ["manager", /Only a clinician can grant access to this patient/],
    ["system", /Only a member of staff/],
  ])("is refused for %s, even with counselling recorded", (actor, message) => {
    expectRefused(checkDecision(actor, AT_RISK, grant, TODAY), [["outcome", message]]);
  });

  it.each<[string, CounsellingRecord | null, Array<[DecisionField, RegExp]>]>([
    [
      "no counselling recorded",
      null,
      [
        ["counselledOn", /Enter the date of the counselling conversation/],
        ["counsellingMethod", /Choose how the counselling conversation was held/],
        ["counsellingHeldBy", /Enter who held/],
        ["counsellingNote", /Enter a note/],
      ],
    ],
    ["counselling dated tomorrow", { ...COUNSELLING_ON("2026-11-21") }, [["counselledOn", /cannot be in the future/]]],
    ["counselling dated four days ahead", { ...COUNSELLING_ON("2026-11-24") }, [["counselledOn", /cannot be in the future/]]],
    ["counselling the day before the request arrived", { ...COUNSELLING_ON("2026-11-01") }, [["counselledOn", /cannot be before the request arrived/]]],
    ["a counselling date that does not exist", { ...COUNSELLING_ON("2026-02-30") }, [["counselledOn", /Enter the date/]]],
    ["no method", { ...COUNSELLED, method: "" as CounsellingRecord["method"] }, [["counsellingMethod", /in person, by phone or by video/]]],
    ["a method that is not a conversation", { ...COUNSELLED, method: "letter" as CounsellingRecord["method"] }, [["counsellingMethod", /Choose how/]]],
    ["nobody named as holding it", { ...COUNSELLED, heldBy: "   " }, [["counsellingHeldBy", /Enter who held/]]],
    ["no note", { ...COUNSELLED, note: "" }, [["counsellingNote", /Enter a note/]]],
  ])("is refused for a clinician with %s, naming the field", (_why, counselling, expected) => {
    expectRefused(checkDecision("clinician", AT_RISK, draftFor({ counselling }), TODAY), expected);
  });

  it("names every problem at once, each with its field", () => {
    const draft = draftFor({
      identityMethod: "not-verified",
      counselling: { on: "2026-11-24", method: "" as CounsellingRecord["method"], heldBy: "", note: " " },
      otherAccessLevel: { level: A_AND_P, reason: "" },
    });
    expect(fieldsOf(checkDecision("reception", AT_RISK, draft, TODAY))).toEqual([
      "accessLevel",
      "counselledOn",
      "counsellingHeldBy",
      "counsellingMethod",
      "counsellingNote",
      "identityMethod",
      "outcome",
    ]);
  });

  it("is accepted from a clinician with the whole conversation recorded, and stores what the rules derive", () => {
    const draft = draftFor({ counselling: { ...COUNSELLED, heldBy: "  Dr Amira Patel ", note: ` ${COUNSELLED.note}\n` }, notes: "  Wants to see test results. " });
    expect(acceptedDecision(checkDecision("clinician", AT_RISK, draft, TODAY))).toEqual({
      outcome: "granted",
      identityMethod: "record-match",
      codeToEnter: "106",
      accessLevel: RECORD,
      accessLevelReason: null,
      optOutScope: null,
      hadActive104: true,
      counselling: COUNSELLED,
      reason: null,
      notes: "Wants to see test results.",
      needsClinicalSystemStep: true,
    });
  });

  it.each([
    ["on the day the request arrived", RECEIVED],
    ["today", TODAY],
  ])("accepts counselling held %s", (_why, on) => {
    expect(checkDecision("clinician", AT_RISK, draftFor({ counselling: COUNSELLING_ON(on) }), TODAY).ok).toBe(true);
  });

  it("applies to a withdrawal of an opt-out as to an opt-in", () => {
    const facts = { ...AT_RISK, kind: "withdraw-opt-out" as const, patientState: "declined" as const };
    expect(fieldsOf(checkDecision("manager", facts, grant, TODAY))).toEqual(["outcome"]);
    expect(fieldsOf(checkDecision("clinician", facts, draftFor(), TODAY))).toEqual(["counselledOn", "counsellingHeldBy", "counsellingMethod", "counsellingNote"]);
    expect(acceptedDecision(checkDecision("clinician", facts, grant, TODAY))).toMatchObject({ codeToEnter: "106", accessLevel: RECORD });
  });

  it("still applies when the 104 has been lifted since the request arrived", () => {
    const lifted = { ...AT_RISK, patientState: "review-cleared" as const };
    expect(fieldsOf(checkDecision("reception", lifted, grant, TODAY))).toEqual(["outcome"]);
    expect(fieldsOf(checkDecision("clinician", lifted, draftFor(), TODAY))).toContain("counselledOn");
    expect(acceptedDecision(checkDecision("clinician", lifted, grant, TODAY))).toMatchObject({ codeToEnter: null, hadActive104: true });
  });

  it("is not needed for a patient who never had a 104 during the request: any member of staff may grant", () => {
    for (const actor of STAFF_ROLES) {
      expect(acceptedDecision(checkDecision(actor, factsFor(), draftFor(), TODAY))).toMatchObject({ codeToEnter: null, accessLevel: RECORD, counselling: null });
    }
  });

  it("checks a counselling record whenever one is given, so none is stored untrue", () => {
    expectRefused(checkDecision("manager", factsFor(), draftFor({ counselling: COUNSELLING_ON("2026-11-24") }), TODAY), [["counselledOn", /future/]]);
    const blank = { on: "", method: "" as CounsellingRecord["method"], heldBy: "", note: "" };
    expect(acceptedDecision(checkDecision("manager", factsFor(), draftFor({ counselling: blank }), TODAY)).counselling).toBeNull();
  });

  it("names the rules it applies", () => {
    expect(DECISION_OUTCOMES.filter((outcome) => needsCounselling(outcome, { hadActive104: true }))).toEqual(["granted"]);
    expect(DECISION_OUTCOMES.filter((outcome) => needsCounselling(outcome, { hadActive104: false }))).toEqual([]);
    expect(DECISION_OUTCOMES.filter((outcome) => needsClinician(outcome, { hadActive104: true }))).toEqual(["granted", "withheld"]);
    expect(DECISION_OUTCOMES.filter((outcome) => needsClinician(outcome, { hadActive104: false }))).toEqual(["withheld"]);
  });
});

function COUNSELLING_ON(on: string): CounsellingRecord {
  return { ...COUNSELLED, on };
}

describe("checkDecision: withholding access", () => {
  const withhold = draftFor({ outcome: "withheld", reason: "  Her partner reads her phone. " });

  it.each<Actor>(["reception", "manager"])("is refused for %s", (actor) => {
    expectRefused(checkDecision(actor, AT_RISK, withhold, TODAY), [["outcome", /Only a clinician can withhold access/]]);
    expectRefused(checkDecision(actor, factsFor(), withhold, TODAY), [["outcome", /Only a clinician can withhold access/]]);
  });

  it.each([
    ["no reason", null],
    ["an empty reason", ""],
    ["a reason of spaces", "   "],
  ])("is refused for a clinician with %s", (_why, reason) => {
    expectRefused(checkDecision("clinician", AT_RISK, draftFor({ outcome: "withheld", reason }), TODAY), [["reason", /Enter why access is withheld/]]);
  });

  it("is accepted from a clinician with a reason, keeping the 104 that stands", () => {
    expect(acceptedDecision(checkDecision("clinician", AT_RISK, withhold, TODAY))).toMatchObject({
      outcome: "withheld",
      codeToEnter: null,
      accessLevel: A_AND_P,
      reason: "Her partner reads her phone.",
      counselling: null,
    });
  });
});

describe("checkDecision: the programme is for patients aged 16 and over on the day of the decision", () => {
  interface AgeCase {
    why: string;
    dateOfBirth: string;
    today: string;
    under16: boolean;
  }
  const AGES: AgeCase[] = [
    { why: "a six-year-old", dateOfBirth: "2020-05-01", today: TODAY, under16: true },
    { why: "the day before the 16th birthday", dateOfBirth: "2010-11-21", today: TODAY, under16: true },
    { why: "the 16th birthday itself (the request came in at 15)", dateOfBirth: "2010-11-20", today: TODAY, under16: false },
    { why: "born 29 February 2012, on 28 February 2028", dateOfBirth: "2012-02-29", today: "2028-02-28", under16: true },
    { why: "born 29 February 2012, on 29 February 2028", dateOfBirth: "2012-02-29", today: "2028-02-29", under16: false },
    { why: "born 29 February 2084, on 28 February 2100 (a year with no 29 February)", dateOfBirth: "2084-02-29", today: "2100-02-28", under16: true },
    { why: "born 29 February 2084, on 1 March 2100", dateOfBirth: "2084-02-29", today: "2100-03-01", under16: false },
    { why: "an adult", dateOfBirth: ADULT, today: TODAY, under16: false },
  ];

  it.each(AGES)("$why: under 16 $under16", ({ dateOfBirth, today, under16 }) => {
    const facts = (kind: RequestKind) => factsFor({ kind, dateOfBirth, receivedOn: addDays(today, -3) });
    const attempts: Array<[DecisionOutcome, RequestKind, Actor, Partial<DecisionDraft>]> = [
      ["granted", "opt-in", "manager", {}],
      ["granted", "withdraw-opt-out", "reception", {}],
      ["withheld", "opt-in", "clinician", { reason: "Not now." }],
      ["opt-out-recorded", "opt-out", "reception", {}],
      ["outside-service", "opt-in", "reception", {}],
      ["outside-service", "opt-out", "reception", { identityMethod: "not-verified" }],
      ["rejected-unverified", "opt-in", "reception", { identityMethod: "not-verified" }],
    ];
    expect(isUnderProgrammeAge(dateOfBirth, today)).toBe(under16);
    for (const [outcome, kind, actor, extra] of attempts) {
      const check = checkDecision(actor, facts(kind), draftFor({ outcome, ...extra }), today);
      const allowed = outcome === "rejected-unverified" || (outcome === "outside-service") === under16;
      expect({ outcome, kind, ok: check.ok }).toEqual({ outcome, kind, ok: allowed });
      if (!allowed && under16) expectRefused(check, [["outcome", /^The patient is \d+: this service is for patients aged 16 and over/]]);
      if (!allowed && !under16) expectRefused(check, [["outcome", /only for patients under 16/]]);
    }
  });

  it("tells staff the route for under-16s and proxies", () => {
    const check = checkDecision("manager", factsFor({ dateOfBirth: "2020-05-01" }), draftFor(), TODAY);
    expect(problemsOf(check)).toEqual([["outcome", expect.stringContaining("The patient is 6: ")]]);
    expect(problemsOf(check)[0]![1]).toContain("access for under-16s and proxy access are arranged in the clinical system");
  });

  it("an outside-service decision changes nothing in the clinical system and needs no step", () => {
    expect(acceptedDecision(checkDecision("reception", factsFor({ dateOfBirth: "2020-05-01" }), draftFor({ outcome: "outside-service" }), TODAY))).toMatchObject({
      codeToEnter: null,
      accessLevel: null,
      needsClinicalSystemStep: false,
    });
  });

  it("refuses anything but a rejection when the patient's date of birth is not known", () => {
    const facts = factsFor({ dateOfBirth: null });
    expectRefused(checkDecision("manager", facts, draftFor(), TODAY), [["outcome", /date of birth is not on record/]]);
    expectRefused(checkDecision("manager", facts, draftFor({ outcome: "outside-service" }), TODAY), [["outcome", /date of birth is not on record/]]);
    expect(checkDecision("manager", facts, draftFor({ outcome: "rejected-unverified" }), TODAY).ok).toBe(true);
  });
});

describe("checkDecision: another access level", () => {
  const keepOptOut = factsFor({ kind: "opt-out", optOutScope: KEEP });
  const fullOptOut = factsFor({ kind: "opt-out", optOutScope: FULL });
  const withholdWith = (level: AccessLevel, reason: string) =>
    draftFor({ outcome: "withheld", reason: "Not now.", otherAccessLevel: { level, reason } });
  const optOutWith = (level: AccessLevel, reason: string) => draftFor({ outcome: "opt-out-recorded", otherAccessLevel: { level, reason } });

  it.each<[string, Actor, RequestFacts, DecisionDraft, { level: AccessLevel; reason: string | null } | [DecisionField, RegExp]]>([
    ["a clinician withholding with every service off, and why", "clinician", AT_RISK, withholdWith("none", " Her partner books for her. "), { level: "none", reason: "Her partner books for her." }],
    ["a clinician withholding with every service off, without why", "clinician", AT_RISK, withholdWith("none", "  "), ["accessLevelReason", /Enter why a different access level/]],
    ["a clinician withholding with record access on", "clinician", AT_RISK, withholdWith(RECORD, "Trial"), ["accessLevel", /does not go with this outcome/]],
    ["reception switching off every service on a keep-appointments opt-out", "reception", keepOptOut, optOutWith("none", "Safer"), ["accessLevel", /Only a clinician/]],
    ["a manager doing the same", "manager", keepOptOut, optOutWith("none", "Safer"), ["accessLevel", /Only a clinician/]],
    ["a clinician doing the same, and why", "clinician", keepOptOut, optOutWith("none", "Safer"), { level: "none", reason: "Safer" }],
    ["a clinician keeping appointments on a full opt-out", "clinician", fullOptOut, optOutWith(A_AND_P, "Convenient"), ["accessLevel", /does not go with/]],
    ["a clinician granting only appointments", "clinician", AT_RISK, draftFor({ counselling: COUNSELLED, otherAccessLevel: { level: A_AND_P, reason: "Start small" } }), ["accessLevel", /does not go with/]],
    ["a clinician rejecting with a level", "clinician", factsFor(), draftFor({ outcome: "rejected-unverified", otherAccessLevel: { level: "none", reason: "x" } }), ["accessLevel", /does not go with/]],
    ["reception choosing the derived level itself", "reception", keepOptOut, optOutWith(A_AND_P, ""), { level: A_AND_P, reason: null }],
  ])("%s", (_why, actor, facts, draft, expected) => {
    const check = checkDecision(actor, facts, draft, TODAY);
    if (Array.isArray(expected)) expectRefused(check, [expected]);
    else expect(acceptedDecision(check)).toMatchObject({ accessLevel: expected.level, accessLevelReason: expected.reason });
  });
});

describe("checkDecision: identity", () => {
  it.each<[DecisionOutcome, boolean, RequestFacts, Actor]>([
    ["granted", false, factsFor(), "manager"],
    ["withheld", false, factsFor(), "clinician"],
    ["opt-out-recorded", false, factsFor({ kind: "opt-out" }), "reception"],
    ["rejected-unverified", true, factsFor(), "reception"],
    ["outside-service", true, factsFor({ dateOfBirth: "2015-01-01" }), "reception"],
  ])("%s with identity not verified: accepted %s", (outcome, allowed, facts, actor) => {
    const check = checkDecision(actor, facts, draftFor({ outcome, identityMethod: "not-verified", reason: "Not now." }), TODAY);
    if (allowed) expect(check.ok).toBe(true);
    else expectRefused(check, [["identityMethod", /can only be rejected/]]);
  });

  it("refuses an identity method that is not on the list", () => {
    expectRefused(checkDecision("manager", factsFor(), draftFor({ identityMethod: "passport" as DecisionDraft["identityMethod"] }), TODAY), [["identityMethod", /Choose how/]]);
  });

  it.each(REQUEST_KINDS.flatMap((kind) => OUTCOMES_BY_KIND[kind].map((outcome) => [kind, outcome] as const)))(
    "with no patient linked, a %s request decided as %s is accepted only as rejected-unverified",
    (kind, outcome) => {
      const facts = factsFor({ kind, patientState: null, dateOfBirth: null });
      const check = checkDecision("clinician", facts, draftFor({ outcome, identityMethod: "not-verified", reason: "Not now.", counselling: COUNSELLED }), TODAY);
      if (outcome === "rejected-unverified") expect(acceptedDecision(check)).toMatchObject({ codeToEnter: null, accessLevel: null, needsClinicalSystemStep: false });
      else expectRefused(check, [["outcome", /Confirm who the patient is/]]);
    },
  );
});

describe("checkDecision: what is stored", () => {
  it.each<[RequestKind, OptOutScope | null, OptOutScope | null]>([
    ["opt-out", null, FULL],
    ["opt-out", FULL, FULL],
    ["opt-out", KEEP, KEEP],
    ["opt-in", KEEP, null],
    ["withdraw-opt-out", null, null],
  ])("a %s request asking %s is stored with scope %s", (kind, asked, stored) => {
    const outcome = kind === "opt-out" ? "opt-out-recorded" : "granted";
    expect(acceptedDecision(checkDecision("reception", factsFor({ kind, optOutScope: asked }), draftFor({ outcome }), TODAY)).optOutScope).toBe(stored);
  });

  it.each<[RequestKind, DecisionOutcome]>([
    ["opt-out", "granted"],
    ["opt-out", "withheld"],
    ["opt-in", "opt-out-recorded"],
    ["withdraw-opt-out", "opt-out-recorded"],
  ])("refuses a %s request decided as %s", (kind, outcome) => {
    expectRefused(checkDecision("clinician", factsFor({ kind }), draftFor({ outcome, reason: "x" }), TODAY), [["outcome", /does not apply to this kind of request/]]);
  });

  it("keeps reasons and notes to a paragraph", () => {
    const long = "x".repeat(MAX_DECISION_TEXT + 1);
    const draft = draftFor({ outcome: "withheld", reason: long, counselling: { ...COUNSELLED, heldBy: long, note: long }, otherAccessLevel: { level: "none", reason: long } });
    expect(fieldsOf(checkDecision("clinician", AT_RISK, draft, TODAY))).toEqual(["accessLevelReason", "counsellingHeldBy", "counsellingNote", "reason"]);
    expect(checkDecision("clinician", AT_RISK, draftFor({ outcome: "withheld", reason: "x".repeat(MAX_DECISION_TEXT) }), TODAY).ok).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

/** What the decisions table's CHECK constraints allow, restated: no other combination may be stored. */
const STORABLE: Record<DecisionOutcome, { codes: Array<CodeKey | null>; levels: Array<AccessLevel | null> }> = {
  granted: { codes: ["106", null], levels: [RECORD] },
  withheld: { codes: ["104", null], levels: ["none", A_AND_P] },
  "opt-out-recorded": { codes: ["103", null], levels: ["none", A_AND_P] },
  "rejected-unverified": { codes: [null], levels: [null] },
  "outside-service": { codes: [null], levels: [null] },
};

/** Outcomes that change something in the clinical system, so the patient is told only once it is done. */
const NEEDS_STEP: readonly DecisionOutcome[] = ["granted", "withheld", "opt-out-recorded"];

const hasText = (text: string | null | undefined): boolean => (text ?? "").trim() !== "";

/**
 * The safety invariants of a stored decision (DESIGN §2), for the staff member, facts and day it
 * was made: the ones it breaks, by name. Plain checks rather than expect() calls, so that the
 * properties can look after every step and stay fast.
 */
function decisionViolations(actor: Actor, facts: RequestFacts, decision: CheckedDecision, today: string): string[] {
  const { outcome, counselling } = decision;
  const derived = deriveClinicalChange({ outcome, optOutScope: facts.optOutScope, patientState: facts.patientState, hadActive104: facts.hadActive104 });
  const age = facts.dateOfBirth === null ? null : ageOn(facts.dateOfBirth, today);
  const otherLevelAllowed =
    actor === "clinician" && decision.accessLevel !== null && derived.otherLevels.includes(decision.accessLevel) && hasText(decision.accessLevelReason);
  const rules: Array<[string, boolean]> = [
    ["decided by a member of staff", (STAFF_ROLES as readonly Actor[]).includes(actor)],
    ["an outcome for this kind of request", OUTCOMES_BY_KIND[facts.kind].includes(outcome)],
    ["a code the decisions table allows", STORABLE[outcome].codes.includes(decision.codeToEnter)],
    ["a level the decisions table allows", STORABLE[outcome].levels.includes(decision.accessLevel)],
    ["the derived code", decision.codeToEnter === derived.codeToEnter],
    ["the derived level, or another a clinician chose with a reason", decision.accessLevel === derived.accessLevel ? decision.accessLevelReason === null : otherLevelAllowed],
    ["the request's 104 flag", decision.hadActive104 === facts.hadActive104],
    ["the request's opt-out scope", decision.optOutScope === (facts.kind === "opt-out" ? (facts.optOutScope ?? FULL) : null)],
    ["a clinical-system step exactly when something changes there", decision.needsClinicalSystemStep === NEEDS_STEP.includes(outcome)],
    ["identity unverified only for a rejection or an under-16", decision.identityMethod !== "not-verified" || outcome === "rejected-unverified" || outcome === "outside-service"],
    ["a patient linked, unless rejected", outcome === "rejected-unverified" || facts.patientState !== null],
    ["outside this service only under 16", outcome !== "outside-service" || (age !== null && age < 16)],
    ["granted, withheld or opted out only at 16 or over", !NEEDS_STEP.includes(outcome) || (age !== null && age >= 16)],
    ["withheld only by a clinician, with a reason", outcome !== "withheld" || (actor === "clinician" && hasText(decision.reason))],
    [
      "an at-risk grant only by a clinician after a counselling conversation",
      outcome !== "granted" ||
        !facts.hadActive104 ||
        (actor === "clinician" &&
          counselling !== null &&
          compareDays(counselling.on, facts.receivedOn) >= 0 &&
          compareDays(counselling.on, today) <= 0 &&
          COUNSELLING_METHODS.includes(counselling.method) &&
          hasText(counselling.heldBy) &&
          hasText(counselling.note)),
    ],
  ];
  return rules.filter(([, kept]) => !kept).map(([rule]) => rule);
}

/** A draft as staff might send it; the counselling date is counted back from the day of the decision. */
interface DraftPlan extends Omit<DecisionDraft, "outcome" | "counselling" | "identityMethod"> {
  /** Mostly one of the outcomes for the request's kind (by index), now and then any outcome at all. */
  outcome: { pick: number; any: DecisionOutcome | null };
  identityMethod: string;
  counselling: { daysAgo: number | "blank" | "not-a-day"; method: string; heldBy: string; note: string } | null;
}

function draftOn(plan: DraftPlan, kind: RequestKind, today: string): DecisionDraft {
  const { counselling } = plan;
  const outcomes = OUTCOMES_BY_KIND[kind];
  const on = (daysAgo: number | "blank" | "not-a-day") => (daysAgo === "blank" ? "" : daysAgo === "not-a-day" ? "2026-02-30" : addDays(today, -daysAgo));
  return {
    ...plan,
    outcome: plan.outcome.any ?? outcomes[plan.outcome.pick % outcomes.length]!,
    identityMethod: plan.identityMethod as DecisionDraft["identityMethod"],
    counselling:
      counselling === null ? null : { ...counselling, on: on(counselling.daysAgo), method: counselling.method as CounsellingRecord["method"] },
  };
}

/** `value` in `weight` of `weight + nullWeight` cases, else null. */
function sometimes<T>(value: fc.Arbitrary<T>, weight: number, nullWeight: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight, arbitrary: value }, { weight: nullWeight, arbitrary: fc.constant(null) });
}

/** Mostly what a careful member of staff sends, sometimes a slip. */
function usually<T>(likely: fc.Arbitrary<T>, slip: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 4, arbitrary: likely }, { weight: 1, arbitrary: slip });
}

type CounsellingPlan = NonNullable<DraftPlan["counselling"]>;

const counsellingPlanArb: fc.Arbitrary<CounsellingPlan> = fc.record({
  daysAgo: usually<number | "blank" | "not-a-day">(fc.integer({ min: 0, max: 40 }), fc.oneof(fc.integer({ min: -4, max: -1 }), fc.constantFrom("blank" as const, "not-a-day" as const))),
  method: usually<string>(fc.constantFrom(...COUNSELLING_METHODS), fc.constantFrom("", "letter")),
  heldBy: usually(fc.constant("Dr Amira Patel"), fc.constantFrom("", "  ")),
  note: usually(fc.constant("Talked it through."), fc.constantFrom("", " ")),
});

const draftPlanArb: fc.Arbitrary<DraftPlan> = fc.record({
  outcome: fc.record({ pick: fc.nat({ max: 11 }), any: sometimes(fc.constantFrom(...DECISION_OUTCOMES), 1, 4) }),
  identityMethod: usually(fc.constantFrom(...IDENTITY_METHODS.filter((method) => method !== "not-verified")), fc.constantFrom("not-verified", "passport")),
  counselling: sometimes(counsellingPlanArb, 1, 1),
  reason: usually<string | null>(fc.constant("Her partner reads her phone."), fc.constantFrom(null, "", "   ")),
  otherAccessLevel: sometimes(
    fc.record({ level: fc.constantFrom<AccessLevel>("none", "none", ...ACCESS_LEVELS), reason: usually(fc.constant("Safer so."), fc.constantFrom("", " ")) }),
    1,
    1,
  ),
  notes: fc.constantFrom(null, "", "Phoned back."),
});

const actorArb = fc.constantFrom<Actor>("clinician", "clinician", "reception", "manager", "system");

/** The same calendar day sixteen years earlier (28 February for a 29 February with none). */
function sixteenYearsBefore(day: string): string {
  const candidate = `${Number(day.slice(0, 4)) - 16}${day.slice(4)}`;
  return candidate.endsWith("-02-29") && addDays(candidate.replace("-29", "-28"), 1).endsWith("-03-01") ? candidate.replace("-29", "-28") : candidate;
}

/** A date of birth: an adult, a leapling, or someone within weeks of turning 16 around `day`. */
type BirthPlan = { adult: string } | { near16: number } | null;
const birthPlanArb: fc.Arbitrary<BirthPlan> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constantFrom("1950-06-01", "1984-07-09", "2000-02-29").map((adult) => ({ adult })) },
  { weight: 3, arbitrary: fc.integer({ min: -120, max: 120 }).map((near16) => ({ near16 })) },
);

function birthOn(plan: BirthPlan, day: string): string | null {
  if (plan === null) return null;
  return "adult" in plan ? plan.adult : addDays(sixteenYearsBefore(day), plan.near16);
}

const START = "2026-01-01";

describe("checkDecision: property — nothing unsafe is ever accepted", () => {
  it("for any actor, facts and draft, an accepted decision keeps every safety invariant", () => {
    const seen = new Set<string>();
    const facts = fc.record({
      kind: fc.constantFrom(...REQUEST_KINDS),
      optOutScope: fc.constantFrom(FULL, KEEP, null),
      receivedDay: fc.integer({ min: 0, max: 1200 }),
      waited: fc.integer({ min: 0, max: 90 }),
      hadActive104: fc.boolean(),
      patientState: fc.constantFrom(...ACCESS_STATES, null),
      birth: birthPlanArb,
    });
    const carefulPlan: DraftPlan = {
      outcome: { pick: 0, any: "granted" },
      identityMethod: "record-match",
      counselling: { daysAgo: 2, method: "phone", heldBy: "Dr Amira Patel", note: "Talked it through." },
      reason: null,
      otherAccessLevel: null,
      notes: null,
    };
    const adultFacts = { kind: "opt-in" as const, optOutScope: null, receivedDay: 300, waited: 10, patientState: "enhanced-review" as const, birth: { adult: ADULT } };
    // Fast-check runs these first, so the paths that matter most are walked every time.
    const examples: Array<[Actor, typeof adultFacts & { hadActive104: boolean }, DraftPlan]> = [
      ["clinician", { ...adultFacts, hadActive104: true }, carefulPlan],
      ["reception", { ...adultFacts, hadActive104: true }, carefulPlan],
      ["clinician", { ...adultFacts, hadActive104: true }, { ...carefulPlan, outcome: { pick: 0, any: "withheld" }, reason: "Not now.", otherAccessLevel: { level: "none", reason: "Safer so." } }],
    ];
    fc.assert(
      fc.property(actorArb, facts, draftPlanArb, (actor, f, plan) => {
        const receivedOn = addDays(START, f.receivedDay);
        const today = addDays(receivedOn, f.waited);
        const requestFacts: RequestFacts = {
          kind: f.kind,
          optOutScope: f.optOutScope,
          receivedOn,
          hadActive104: f.hadActive104,
          patientState: f.patientState,
          dateOfBirth: birthOn(f.birth, today),
        };
        const check = checkDecision(actor, requestFacts, draftOn(plan, f.kind, today), today);
        if (!check.ok) {
          expect(check.problems.length).toBeGreaterThan(0);
          return;
        }
        expect(decisionViolations(actor, requestFacts, check.decision, today)).toEqual([]);
        seen.add(check.decision.outcome);
        if (check.decision.outcome === "granted" && requestFacts.hadActive104) seen.add("granted after counselling");
        if (check.decision.accessLevelReason !== null) seen.add("another level");
      }),
      { numRuns: 500, examples },
    );
    // The property is only as good as what it reached.
    expect([...seen].sort()).toEqual(["another level", "granted after counselling", ...DECISION_OUTCOMES].sort());
  });
});

describe("checkDecision: properties — exactly when a grant is accepted", () => {
  const calm: Omit<DraftPlan, "counselling"> = {
    outcome: { pick: 0, any: "granted" },
    identityMethod: "record-match",
    reason: null,
    otherAccessLevel: null,
    notes: null,
  };

  it("a patient who had an active 104: only by a clinician, with a whole conversation dated between the request and today", () => {
    const seen = new Set<boolean>();
    fc.assert(
      fc.property(
        actorArb,
        fc.constantFrom<RequestKind>("opt-in", "withdraw-opt-out"),
        fc.constantFrom(...ACCESS_STATES),
        fc.integer({ min: 0, max: 30 }),
        sometimes(counsellingPlanArb, 4, 1),
        (actor, kind, patientState, waited, counsellingPlan) => {
          const today = addDays(RECEIVED, waited);
          const facts = factsFor({ kind, patientState, hadActive104: true });
          const draft = draftOn({ ...calm, counselling: counsellingPlan }, kind, today);
          const c = draft.counselling;
          const whole =
            c !== null &&
            isIsoDay(c.on) &&
            compareDays(c.on, RECEIVED) >= 0 &&
            compareDays(c.on, today) <= 0 &&
            COUNSELLING_METHODS.includes(c.method) &&
            hasText(c.heldBy) &&
            hasText(c.note);
          const check = checkDecision(actor, facts, draft, today);
          expect(check.ok).toBe(actor === "clinician" && whole);
          seen.add(check.ok);
        },
      ),
      { numRuns: 300 },
    );
    expect(seen).toEqual(new Set([true, false]));
  });

  it("any patient: only when they are 16 or over on the day of the decision", () => {
    const seen = new Set<boolean>();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1500 }),
        fc.oneof(fc.integer({ min: -400, max: 400 }), fc.constant("leapling" as const)),
        (day, offset) => {
          const today = addDays(START, day);
          const dateOfBirth = offset === "leapling" ? "2012-02-29" : addDays(sixteenYearsBefore(today), offset);
          const check = checkDecision("manager", factsFor({ receivedOn: today, dateOfBirth }), draftFor(), today);
          const [year, month, dayOfMonth] = dateOfBirth.split("-").map(Number) as [number, number, number];
          const [tYear, tMonth, tDay] = today.split("-").map(Number) as [number, number, number];
          // Sixteen once the birthday month and day are reached; a 29 February birthday is reached on 1 March in a common year.
          const sixteen = tYear - year > 16 || (tYear - year === 16 && (tMonth > month || (tMonth === month && tDay >= dayOfMonth)));
          expect(check.ok).toBe(sixteen);
          seen.add(check.ok);
        },
      ),
      { numRuns: 300 },
    );
    expect(seen).toEqual(new Set([true, false]));
  });
});

describe("decisionViolations: the checker used by the properties can fail", () => {
  const safe = acceptedDecision(checkDecision("clinician", AT_RISK, draftFor({ counselling: COUNSELLED }), TODAY));

  it("passes a safe decision", () => {
    expect(decisionViolations("clinician", AT_RISK, safe, TODAY)).toEqual([]);
  });

  it.each<[string, Actor, RequestFacts, CheckedDecision, string]>([
    ["granted by reception", "reception", AT_RISK, safe, "an at-risk grant only by a clinician after a counselling conversation"],
    ["granted without counselling", "clinician", AT_RISK, { ...safe, counselling: null }, "an at-risk grant only by a clinician after a counselling conversation"],
    ["counselled in the future", "clinician", AT_RISK, { ...safe, counselling: COUNSELLING_ON("2026-11-24") }, "an at-risk grant only by a clinician after a counselling conversation"],
    ["granted to a 15-year-old", "clinician", { ...AT_RISK, dateOfBirth: "2010-11-21" }, safe, "granted, withheld or opted out only at 16 or over"],
    ["without the 106", "clinician", AT_RISK, { ...safe, codeToEnter: null }, "the derived code"],
    ["at another level without a reason", "clinician", AT_RISK, { ...safe, accessLevel: A_AND_P }, "a level the decisions table allows"],
  ])("flags a decision %s", (_why, actor, facts, decision, rule) => {
    expect(decisionViolations(actor, facts, decision, TODAY)).toContain(rule);
  });
});

// A request as the service keeps it, driven by random staff through random steps while the
// patient's 104 comes and goes and the days pass.

interface Patient {
  dateOfBirth: string;
  state: AccessState;
  active104: boolean;
  email: string | null;
  contactIsPrivate: boolean;
}

interface Decided {
  decision: CheckedDecision;
  by: Actor;
  on: string;
  facts: RequestFacts;
  actioned: boolean;
}

interface Queued {
  template: TemplateKey;
  about: Decided;
  moment: RequestMoment;
  /** Whether the decision had been marked done in the clinical system when this was queued. */
  decisionActioned: boolean;
  /** Whether the request had had an active 104 by then, and where the message went. */
  privateOnly: boolean;
  channel: "email" | "letter";
  status: "queued" | "sent" | "cancelled";
}

interface RequestModel {
  today: string;
  patient: Patient;
  kind: RequestKind;
  optOutScope: OptOutScope | null;
  receivedOn: string;
  identityMatched: boolean;
  hadActive104: boolean;
  state: RequestState;
  current: Decided | null;
  superseded: Decided[];
  messages: Queued[];
  /** Each time a grant was marked done in the clinical system, and whether the request had had a 104 by then. */
  grantsCarriedOut: Array<{ decided: Decided; hadActive104: boolean }>;
}

type Event =
  /** `pick` chooses among the states the machine leads to from wherever the request is. */
  | { type: "step"; pick: number; anyState: RequestState | null; actor: Actor; plan: DraftPlan }
  | { type: "identity-confirmed" }
  | { type: "104-recorded" }
  | { type: "104-lifted" }
  | { type: "days-pass"; days: number }
  | { type: "messages-sent" };

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      type: fc.constant("step" as const),
      pick: fc.nat({ max: 11 }),
      // Now and then any state at all, which the machine must refuse unless it leads there.
      anyState: sometimes(fc.constantFrom(...REQUEST_STATES), 1, 7),
      actor: actorArb,
      plan: draftPlanArb,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ type: "identity-confirmed" as const }) },
  { weight: 1, arbitrary: fc.constant({ type: "104-recorded" as const }) },
  { weight: 1, arbitrary: fc.constant({ type: "104-lifted" as const }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 120 }).map((days) => ({ type: "days-pass" as const, days })) },
  { weight: 2, arbitrary: fc.constant({ type: "messages-sent" as const }) },
);

const modelArb: fc.Arbitrary<RequestModel> = fc
  .record<NewRequest>({
    kind: fc.constantFrom(...REQUEST_KINDS),
    optOutScope: fc.constantFrom(FULL, KEEP, null),
    receivedDay: fc.integer({ min: 0, max: 1200 }),
    identityMatched: fc.boolean(),
    state: fc.constantFrom(...ACCESS_STATES),
    hidden104: fc.boolean(),
    birth: fc.oneof(fc.constantFrom("1984-07-09", "2000-02-29").map((adult) => ({ adult })), fc.integer({ min: -200, max: 200 }).map((near16) => ({ near16 }))),
    email: fc.constantFrom(null, "sam@example.org"),
    contactIsPrivate: fc.boolean(),
  })
  .map(newRequest);

interface NewRequest {
  kind: RequestKind;
  optOutScope: OptOutScope | null;
  receivedDay: number;
  identityMatched: boolean;
  state: AccessState;
  /** A 104 behind the patient's own 103 (the state then reads "declined"). */
  hidden104: boolean;
  birth: { adult: string } | { near16: number };
  email: string | null;
  contactIsPrivate: boolean;
}

function newRequest(r: NewRequest): RequestModel {
  const receivedOn = addDays(START, r.receivedDay);
  const active104 = r.state === "enhanced-review" || r.state === "conflict" || (r.state === "declined" && r.hidden104);
  return {
    today: receivedOn,
    patient: { dateOfBirth: birthOn(r.birth, receivedOn)!, state: r.state, active104, email: r.email, contactIsPrivate: r.contactIsPrivate },
    kind: r.kind,
    optOutScope: r.kind === "opt-out" ? r.optOutScope : null,
    receivedOn,
    identityMatched: r.identityMatched,
    hadActive104: r.identityMatched && active104,
    state: "received",
    current: null,
    superseded: [],
    messages: [],
    grantsCarriedOut: [],
  };
}

function factsOf(m: RequestModel): RequestFacts {
  return {
    kind: m.kind,
    optOutScope: m.optOutScope,
    receivedOn: m.receivedOn,
    hadActive104: m.hadActive104,
    patientState: m.identityMatched ? m.patient.state : null,
    dateOfBirth: m.identityMatched ? m.patient.dateOfBirth : null,
  };
}

/** What the patient was last told: the latest message not withdrawn. */
function lastTold(m: RequestModel): TemplateKey | null {
  return m.messages.filter((message) => message.status !== "cancelled").at(-1)?.template ?? null;
}

function queueOutcomeMessage(m: RequestModel, moment: RequestMoment): void {
  const decided = m.current!;
  const template = outcomeMessageDue(moment, decided.decision, lastTold(m));
  if (template === null) return;
  const rule = contactRuleFor({ hadActive104: m.hadActive104 });
  m.messages.push({
    template,
    about: decided,
    moment,
    decisionActioned: decided.actioned,
    privateOnly: m.hadActive104,
    channel: messageRoute(rule, m.patient).channel,
    status: "queued",
  });
}

const REOPENED_FROM: readonly RequestState[] = ["decided", "actioned", "closed"];

/** One step as the service takes it: only what checkTransition (and, to decide, checkDecision) allows. */
function takeStep(m: RequestModel, step: Extract<Event, { type: "step" }>, seen: Set<string>): void {
  const from = m.state;
  const designed = nextStates(from);
  const to = step.anyState ?? designed[step.pick % designed.length] ?? from;
  const ctx = {
    kind: m.kind,
    hadActive104: m.hadActive104,
    identityMatched: m.identityMatched,
    outcome: m.current?.decision.outcome,
    decisionHadActive104: m.current?.decision.hadActive104,
  };
  if (to === "decided") {
    const draft = draftOn(step.plan, m.kind, m.today);
    if (!checkTransition(from, to, step.actor, { ...ctx, outcome: draft.outcome }).ok) return;
    const facts = factsOf(m);
    const check = checkDecision(step.actor, facts, draft, m.today);
    if (!check.ok) return;
    if (m.superseded.length > 0) seen.add("decided again after a correction");
    if (facts.dateOfBirth !== null && ageOn(facts.dateOfBirth, m.receivedOn) < 16 && NEEDS_STEP.includes(check.decision.outcome)) {
      seen.add("decided for a patient who turned 16 during the request");
    }
    m.current = { decision: check.decision, by: step.actor, on: m.today, facts, actioned: false };
    m.state = to;
    queueOutcomeMessage(m, "decided");
    return;
  }
  const allowed = checkTransition(from, to, step.actor, ctx);
  if (!allowed.ok) {
    if (to === "actioned" && m.current?.decision.outcome === "granted" && m.hadActive104 && !m.current.decision.hadActive104) {
      seen.add("grant held back: a 104 since it was decided");
    }
    return;
  }
  if (REOPENED_FROM.includes(from) && (to === "identity-check" || to === "triage" || to === "clinician-review")) {
    // Where it goes back to is reopenTarget's: identity check only for a request with no patient yet.
    expect(to).toBe(reopenTarget({ kind: m.kind, hadActive104: m.hadActive104, identityMatched: m.identityMatched }));
    if (to === "identity-check") seen.add("reopened to have its patient found");
    if (m.messages.some((message) => message.status === "sent")) seen.add("reopened after the patient was told");
    for (const message of m.messages) if (message.status === "queued") message.status = "cancelled";
    m.superseded.push(m.current!);
    m.current = null;
  }
  m.state = to;
  if (to === "actioned") {
    const decided = m.current!;
    decided.actioned = true;
    if (decided.decision.outcome === "granted") {
      m.grantsCarriedOut.push({ decided, hadActive104: m.hadActive104 });
      if (m.hadActive104) seen.add("at-risk grant carried out");
    }
    queueOutcomeMessage(m, "actioned");
  }
}

function apply(m: RequestModel, event: Event, seen: Set<string>): void {
  switch (event.type) {
    case "step":
      takeStep(m, event, seen);
      break;
    case "identity-confirmed":
      m.identityMatched = true;
      break;
    case "104-recorded":
      m.patient.active104 = true;
      if (m.patient.state !== "declined") m.patient.state = "enhanced-review";
      break;
    case "104-lifted":
      m.patient.active104 = false;
      if (m.patient.state !== "declined") m.patient.state = "review-cleared";
      break;
    case "days-pass":
      m.today = addDays(m.today, event.days);
      break;
    case "messages-sent":
      for (const message of m.messages) if (message.status === "queued") message.status = "sent";
      break;
  }
  // Sticky: once the request has seen an active 104 it never forgets.
  if (m.identityMatched && m.patient.active104) m.hadActive104 = true;
}

/** The words each decision earns, written out: a keep-appointments letter only when they are kept. */
function wordsFor(decision: CheckedDecision): TemplateKey | null {
  switch (decision.outcome) {
    case "granted":
      return "outcome-access-granted";
    case "withheld":
      return "outcome-access-not-granted";
    case "opt-out-recorded":
      return decision.accessLevel === A_AND_P ? "outcome-opt-out-keep-appointments" : "outcome-opt-out-recorded";
    case "outside-service":
      return "outcome-outside-service";
    case "rejected-unverified":
      return null;
  }
}

/** What a request has come to that it never should, by name. */
function requestViolations(m: RequestModel): string[] {
  const violations: string[] = [];
  const decisions = [...m.superseded, ...(m.current ? [m.current] : [])];
  for (const decided of decisions) {
    violations.push(...decisionViolations(decided.by, decided.facts, decided.decision, decided.on));
    if (decided.decision.optOutScope !== (m.kind === "opt-out" ? (m.optOutScope ?? FULL) : null)) violations.push("a decision's scope differs from the request's");
  }
  for (const { decided, hadActive104 } of m.grantsCarriedOut) {
    if (hadActive104 && !decided.decision.hadActive104) violations.push("a grant carried out for a request that had a 104, without counselling");
  }
  for (const message of m.messages) {
    const { decision } = message.about;
    if (decision.outcome === "rejected-unverified") violations.push("a message about a rejected-unverified request");
    if (message.template !== wordsFor(decision)) violations.push(`${message.template} for ${decision.outcome} at level ${decision.accessLevel}`);
    if (NEEDS_STEP.includes(decision.outcome) ? message.moment !== "actioned" || !message.decisionActioned : message.moment !== "decided") {
      violations.push(`${message.template} queued at ${message.moment} (actioned: ${message.decisionActioned})`);
    }
    if (message.privateOnly && message.channel === "email" && !m.patient.contactIsPrivate) violations.push("an email to contact details not private to a patient who had a 104");
  }
  const told = m.messages.filter((message) => message.status !== "cancelled").map((message) => message.template);
  told.forEach((template, i) => {
    if (i > 0 && template === told[i - 1]) violations.push(`told ${template} twice in a row`);
  });
  return violations;
}

/** A step to the `pick`th state the machine leads to from where the request is. */
function to(pick: number, actor: Actor, plan: Partial<DraftPlan> = {}): Event {
  const calm: DraftPlan = { outcome: { pick: 0, any: null }, identityMethod: "record-match", counselling: null, reason: null, otherAccessLevel: null, notes: null };
  return { type: "step", pick, anyState: null, actor, plan: { ...calm, ...plan } };
}
const grantAfterCounselling: Partial<DraftPlan> = {
  outcome: { pick: 0, any: "granted" },
  counselling: { daysAgo: 0, method: "in-person", heldBy: "Dr Amira Patel", note: "Talked it through." },
};
const withhold: Partial<DraftPlan> = { outcome: { pick: 0, any: "withheld" }, reason: "Not yet." };
const grant: Partial<DraftPlan> = { outcome: { pick: 0, any: "granted" } };
const at = (overrides: Partial<NewRequest>): RequestModel =>
  newRequest({ kind: "opt-in", optOutScope: null, receivedDay: 320, identityMatched: true, state: "default", hidden104: false, birth: { adult: ADULT }, email: "sam@example.org", contactIsPrivate: false, ...overrides });

// Journeys walked every time before the random ones (picks index nextStates(), e.g. from
// "received": 0 identity check, 1 triage; from "decided": 0 actioned, 1 closed, 2 identity check,
// 3 triage, 4 clinician review; from "actioned": 0 closed, 1 identity check, 2 triage, 3 clinician
// review; from "closed": 0 identity check, 1 triage, 2 clinician review).
interface JourneyEnd {
  state: RequestState;
  decisions: DecisionOutcome[];
  told: Array<[TemplateKey, Queued["status"]]>;
}

const JOURNEY_ENDS: JourneyEnd[] = [
  {
    state: "actioned",
    decisions: ["granted", "withheld"],
    told: [
      ["outcome-access-granted", "sent"],
      ["outcome-access-not-granted", "queued"],
    ],
  },
  { state: "actioned", decisions: ["granted", "withheld"], told: [["outcome-access-not-granted", "queued"]] },
  {
    state: "actioned",
    decisions: ["granted", "granted"],
    told: [
      ["outcome-access-granted", "cancelled"],
      ["outcome-access-granted", "queued"],
    ],
  },
  {
    state: "actioned",
    decisions: ["outside-service", "granted"],
    told: [
      ["outcome-outside-service", "sent"],
      ["outcome-access-granted", "queued"],
    ],
  },
  { state: "actioned", decisions: ["rejected-unverified", "opt-out-recorded"], told: [["outcome-opt-out-recorded", "queued"]] },
];

const JOURNEY_NAMES = [
  "a 104 patient granted after counselling, told, then corrected to withheld and told again",
  "granted by reception; a 104 is recorded before it is done: held back, reopened, the clinician decides",
  "granted and done, but corrected before the message went: it is withdrawn, and sent once",
  "a 15-year-old's request is outside this service; after the 16th birthday a manager reopens it and it is granted",
  "an unlinked request rejected as unverified; a manager reopens it to identity check, the patient is found, and the opt-out recorded",
];

const JOURNEYS: Array<[RequestModel, Event[]]> = [
  [
    at({ state: "enhanced-review" }),
    [to(1, "system"), to(0, "reception"), to(1, "clinician", grantAfterCounselling), to(0, "reception"), { type: "messages-sent" }, to(3, "clinician"), to(1, "clinician", withhold), to(0, "reception")],
  ],
  [
    at({}),
    [to(1, "system"), to(1, "reception", grant), { type: "104-recorded" }, to(0, "reception"), to(4, "manager"), to(1, "clinician", withhold), to(0, "manager")],
  ],
  [at({}), [to(1, "system"), to(1, "manager", grant), to(0, "manager"), to(2, "manager"), to(1, "manager", grant), to(0, "manager")]],
  [
    at({ birth: { near16: 20 } }),
    [to(1, "system"), to(1, "reception", { outcome: { pick: 0, any: "outside-service" } }), { type: "messages-sent" }, { type: "days-pass", days: 30 }, to(1, "system"), to(1, "manager"), to(1, "manager", grant), to(0, "reception")],
  ],
  [
    at({ kind: "opt-out", optOutScope: FULL, identityMatched: false }),
    [
      to(0, "system"),
      to(1, "reception", { outcome: { pick: 0, any: "rejected-unverified" } }),
      to(1, "system"),
      // Reopening to triage is refused: the request has no patient yet.
      to(1, "manager"),
      to(0, "manager"),
      { type: "identity-confirmed" },
      to(0, "reception"),
      to(1, "reception", { outcome: { pick: 0, any: "opt-out-recorded" } }),
      to(0, "reception"),
    ],
  ],
];

describe("request lifecycle: property — no sequence of legal actions reaches an unsafe state", () => {
  it.each(JOURNEYS.map(([initial, events], i) => [JOURNEY_NAMES[i]!, initial, events, JOURNEY_ENDS[i]!] as const))("journey: %s", (_name, initial, events, end) => {
    const model = structuredClone(initial);
    for (const event of events) apply(model, event, new Set());
    expect({
      state: model.state,
      decisions: [...model.superseded, model.current!].map((decided) => decided.decision.outcome),
      told: model.messages.map((message) => [message.template, message.status]),
    }).toEqual(end);
    expect(requestViolations(model)).toEqual([]);
  });

  it("keeps every invariant after every step", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(modelArb, fc.array(eventArb, { minLength: 20, maxLength: 60 }), (initial, events) => {
        const model = structuredClone(initial);
        for (const event of events) {
          apply(model, event, seen);
          const violations = requestViolations(model);
          if (violations.length > 0) expect({ event, violations }).toEqual({ event, violations: [] });
        }
        if (model.messages.length > 0) seen.add("told");
        if (model.messages.some((message) => message.status === "cancelled")) seen.add("message withdrawn by a correction");
      }),
      { numRuns: 300, examples: JOURNEYS },
    );
    expect([...seen].sort()).toEqual(
      [
        "at-risk grant carried out",
        "decided again after a correction",
        "grant held back: a 104 since it was decided",
        "decided for a patient who turned 16 during the request",
        "message withdrawn by a correction",
        "reopened after the patient was told",
        "reopened to have its patient found",
        "told",
      ].sort(),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Telling the patient

describe("outcomeTemplateFor: every outcome × scope has its own words", () => {
  const EXPECTED: Array<[DecisionOutcome, OptOutScope | null, TemplateKey | null]> = [
    ["granted", FULL, "outcome-access-granted"],
    ["granted", KEEP, "outcome-access-granted"],
    ["granted", null, "outcome-access-granted"],
    ["withheld", FULL, "outcome-access-not-granted"],
    ["withheld", KEEP, "outcome-access-not-granted"],
    ["withheld", null, "outcome-access-not-granted"],
    ["opt-out-recorded", FULL, "outcome-opt-out-recorded"],
    ["opt-out-recorded", KEEP, "outcome-opt-out-keep-appointments"],
    ["opt-out-recorded", null, "outcome-opt-out-recorded"],
    ["rejected-unverified", FULL, null],
    ["rejected-unverified", KEEP, null],
    ["rejected-unverified", null, null],
    ["outside-service", FULL, "outcome-outside-service"],
    ["outside-service", KEEP, "outcome-outside-service"],
    ["outside-service", null, "outcome-outside-service"],
  ];

  it("lists every combination", () => {
    expect(EXPECTED).toHaveLength(DECISION_OUTCOMES.length * 3);
  });

  it.each(EXPECTED)("%s, scope %s → %s", (outcome, scope, template) => {
    expect(outcomeTemplateFor(outcome, scope)).toBe(template);
  });

  it.each<[AccessLevel, TemplateKey]>([
    [A_AND_P, "outcome-opt-out-keep-appointments"],
    ["none", "outcome-opt-out-recorded"],
  ])("a keep-appointments opt-out stored with level %s is told %s", (accessLevel, template) => {
    expect(outcomeTemplateForDecision({ outcome: "opt-out-recorded", optOutScope: KEEP, accessLevel })).toBe(template);
  });
});

describe("outcomeMessageDue: told only what is true, when it is true", () => {
  const decisionOf = (outcome: DecisionOutcome, optOutScope: OptOutScope | null = null, accessLevel: AccessLevel | null = null) => ({ outcome, optOutScope, accessLevel });

  it.each<[DecisionOutcome, TemplateKey | null, TemplateKey | null]>([
    ["granted", null, "outcome-access-granted"],
    ["withheld", null, "outcome-access-not-granted"],
    ["opt-out-recorded", null, "outcome-opt-out-recorded"],
    ["outside-service", "outcome-outside-service", null],
    ["rejected-unverified", null, null],
  ])("%s: at the decision %s, once done in the clinical system %s", (outcome, atDecision, atActioned) => {
    expect(outcomeMessageDue("decided", decisionOf(outcome), null)).toBe(atDecision);
    expect(outcomeMessageDue("actioned", decisionOf(outcome), null)).toBe(atActioned);
  });

  it("is not sent again after a correction that leaves the words the same", () => {
    expect(outcomeMessageDue("actioned", decisionOf("granted"), "outcome-access-granted")).toBeNull();
    expect(outcomeMessageDue("actioned", decisionOf("granted"), "outcome-access-not-granted")).toBe("outcome-access-granted");
    expect(outcomeMessageDue("decided", decisionOf("outside-service"), "outcome-outside-service")).toBeNull();
  });

  it("tells a patient who asked to keep appointments the words for what was done", () => {
    expect(outcomeMessageDue("actioned", decisionOf("opt-out-recorded", KEEP, A_AND_P), null)).toBe("outcome-opt-out-keep-appointments");
    expect(outcomeMessageDue("actioned", decisionOf("opt-out-recorded", KEEP, "none"), null)).toBe("outcome-opt-out-recorded");
    expect(outcomeMessageDue("actioned", decisionOf("opt-out-recorded", KEEP, "none"), "outcome-opt-out-keep-appointments")).toBe("outcome-opt-out-recorded");
  });
});

describe("contactRuleFor and messageRoute: private contact, decided once", () => {
  it.each<[boolean, "private-only" | "any-on-record"]>([
    [true, "private-only"],
    [false, "any-on-record"],
  ])("a request that had an active 104 %s: %s", (hadActive104, rule) => {
    expect(contactRuleFor({ hadActive104 })).toBe(rule);
  });

  it.each<["private-only" | "any-on-record", string | null, boolean, "email" | "letter"]>([
    ["private-only", "sam@example.org", false, "letter"],
    ["private-only", "sam@example.org", true, "email"],
    ["private-only", null, true, "letter"],
    ["private-only", null, false, "letter"],
    ["any-on-record", "sam@example.org", false, "email"],
    ["any-on-record", "sam@example.org", true, "email"],
    ["any-on-record", null, false, "letter"],
    ["any-on-record", "", false, "letter"],
  ])("%s, email %j, private %s → %s", (rule, email, contactIsPrivate, channel) => {
    const route = messageRoute(rule, { email, contactIsPrivate });
    expect(route).toEqual(channel === "email" ? { channel, to: email } : { channel });
  });
});
