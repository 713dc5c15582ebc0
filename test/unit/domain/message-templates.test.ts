import { describe, expect, it } from "vitest";
import { OPT_OUT_SCOPES } from "../../../app/domain/request-forms";
import { DECISION_OUTCOMES, type DecisionOutcome } from "../../../app/domain/request-workflow";
import {
  isTemplateKey,
  optOutScopeOf,
  outcomeTemplateFor,
  type OptOutScope,
  type TemplateKey,
} from "../../../app/domain/message-templates";

// Issue 18: the message that tells a patient their outcome follows the outcome and, for an
// opt-out, what the patient asked to keep.

const SCOPES = [...OPT_OUT_SCOPES, null] as const;

const EXPECTED: Record<DecisionOutcome, Record<OptOutScope | "none", TemplateKey | null>> = {
  "opt-out-recorded": {
    "no-online-access": "outcome-opt-out-recorded",
    "keep-appointments-and-prescriptions": "outcome-opt-out-keep-appointments",
    none: "outcome-opt-out-recorded",
  },
  granted: {
    "no-online-access": "outcome-access-granted",
    "keep-appointments-and-prescriptions": "outcome-access-granted",
    none: "outcome-access-granted",
  },
  withheld: {
    "no-online-access": "outcome-access-not-granted",
    "keep-appointments-and-prescriptions": "outcome-access-not-granted",
    none: "outcome-access-not-granted",
  },
  "outside-service": {
    "no-online-access": "outcome-outside-service",
    "keep-appointments-and-prescriptions": "outcome-outside-service",
    none: "outcome-outside-service",
  },
  "rejected-unverified": { "no-online-access": null, "keep-appointments-and-prescriptions": null, none: null },
};

describe("outcomeTemplateFor", () => {
  const cases = DECISION_OUTCOMES.flatMap((outcome) => SCOPES.map((scope) => [outcome, scope] as const));

  it("covers every outcome and every scope", () => {
    expect(cases).toHaveLength(DECISION_OUTCOMES.length * 3);
    expect(Object.keys(EXPECTED).sort()).toEqual([...DECISION_OUTCOMES].sort());
  });

  it.each(cases)("%s with scope %s", (outcome, scope) => {
    const key = outcomeTemplateFor(outcome, scope);
    expect(key).toBe(EXPECTED[outcome][scope ?? "none"]);
    if (key !== null) expect(isTemplateKey(key)).toBe(true);
  });

  it("tells a patient who kept appointments and prescriptions something other than a full opt-out", () => {
    expect(outcomeTemplateFor("opt-out-recorded", "keep-appointments-and-prescriptions")).not.toBe(
      outcomeTemplateFor("opt-out-recorded", "no-online-access"),
    );
  });
});

describe("optOutScopeOf", () => {
  it.each([
    ["no-online-access", "no-online-access"],
    ["keep-appointments-and-prescriptions", "keep-appointments-and-prescriptions"],
    [null, null],
    ["", null],
    ["Keep-Appointments-And-Prescriptions", null],
    ["something else", null],
  ] as const)("reads %j as %j: anything unknown is a full opt-out, whose message promises the least", (stored, scope) => {
    expect(optOutScopeOf(stored)).toBe(scope);
  });
});
