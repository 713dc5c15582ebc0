import { describe, expect, it } from "vitest";
import {
  clinicalSystemStep,
  isCodeAllowedFor,
  goLivePhase,
  type ClinicalSystem,
  type ClinicalSystemStepInput,
  type GoLivePhase,
} from "../../../app/domain/clinical-system-steps";
import { CODES } from "../../../app/domain/codes";

const TODAY = "2026-11-22";
const GO_LIVE: Record<GoLivePhase, string> = {
  "before-go-live": "2026-12-01",
  "after-go-live": "2026-11-01",
};

// Menu-level wording that only one system uses: the other system's names must never appear.
const SYSTEM_MARKERS: Record<ClinicalSystem, { codeEntry: string; account: string; foreign: RegExp }> = {
  emis: { codeEntry: "Consultations > Add", account: `open "Online Users"`, foreign: /SystmOne|Journal/ },
  tpp: { codeEntry: "New Journal entry", account: "Online Services Account", foreign: /EMIS|Online Users/ },
};

interface Case {
  system: ClinicalSystem;
  phase: GoLivePhase;
  onlineAccount: boolean;
  byHand: boolean;
  /** Text the access step must contain. */
  accessWording: string;
}

const CASES: Case[] = [
  { system: "emis", phase: "before-go-live", onlineAccount: false, byHand: false, accessWording: "gives prospective access at go-live" },
  { system: "emis", phase: "before-go-live", onlineAccount: true, byHand: false, accessWording: "gives prospective access at go-live" },
  { system: "emis", phase: "after-go-live", onlineAccount: false, byHand: false, accessWording: "first sign in with NHS login" },
  { system: "emis", phase: "after-go-live", onlineAccount: true, byHand: true, accessWording: `choose "Detailed Coded Record"` },
  { system: "tpp", phase: "before-go-live", onlineAccount: false, byHand: false, accessWording: "gives prospective access at go-live" },
  { system: "tpp", phase: "before-go-live", onlineAccount: true, byHand: false, accessWording: "gives prospective access at go-live" },
  { system: "tpp", phase: "after-go-live", onlineAccount: false, byHand: false, accessWording: "first sign in with NHS login" },
  { system: "tpp", phase: "after-go-live", onlineAccount: true, byHand: true, accessWording: `"Record access" to "Prospective"` },
];

function input(c: Case, overrides: Partial<ClinicalSystemStepInput> = {}): ClinicalSystemStepInput {
  return {
    system: c.system,
    goLiveDate: GO_LIVE[c.phase],
    today: TODAY,
    onlineAccount: c.onlineAccount,
    outcome: "granted",
    codeToEnter: "106",
    accessLevel: "prospective-record",
    ...overrides,
  };
}

function actionOf(step: ReturnType<typeof clinicalSystemStep>) {
  if (step.kind !== "action") throw new Error(`expected an action, got ${step.kind}`);
  return step;
}

describe("clinicalSystemStep: access granted with a 106", () => {
  it.each(CASES)(
    "$system, $phase, online account $onlineAccount",
    ({ system, phase, onlineAccount, byHand, accessWording }) => {
      const step = actionOf(clinicalSystemStep(input({ system, phase, onlineAccount, byHand, accessWording })));
      const text = step.steps.join("\n");
      const markers = SYSTEM_MARKERS[system];

      expect(step.phase).toBe(phase);
      expect(step.changeAccessByHand).toBe(byHand);
      expect(step.steps[0]).toContain(markers.codeEntry);
      expect(step.steps[0]).toContain(CODES["106"].conceptId);
      expect(text).toContain(accessWording);
      expect(text.includes(markers.account)).toBe(byHand);
      expect(text).not.toMatch(markers.foreign);
      expect(step.summary).toContain("Enter code 106");
      expect(step.summary.includes("by hand")).toBe(byHand);
    },
  );

  it("before go-live says the 106 must be recorded after the 104", () => {
    const step = actionOf(clinicalSystemStep(input(CASES[0]!)));
    expect(step.steps.join(" ")).toContain("a 106 recorded after the 104 is enough");
  });
});

describe("clinicalSystemStep: opt-out recorded with a 103", () => {
  it.each(CASES)("$system, $phase, online account $onlineAccount", (c) => {
    const step = actionOf(
      clinicalSystemStep(input(c, { outcome: "opt-out-recorded", codeToEnter: "103", accessLevel: "none" })),
    );
    const text = step.steps.join("\n");
    expect(step.steps[0]).toContain(SYSTEM_MARKERS[c.system].codeEntry);
    expect(step.steps[0]).toContain(CODES["103"].conceptId);
    expect(step.changeAccessByHand).toBe(c.byHand);
    if (c.byHand) {
      expect(text).toContain(c.system === "emis" ? `untick "Medical Record"` : `"Record access" to "No access"`);
    } else if (c.phase === "before-go-live") {
      expect(text).toContain("the 103 is enough");
    } else {
      expect(text).toContain("will not give record access");
    }
    expect(text).not.toMatch(SYSTEM_MARKERS[c.system].foreign);
  });

  it("keeps appointments and prescriptions when the patient asked to keep them", () => {
    const step = actionOf(
      clinicalSystemStep(
        input(CASES[3]!, {
          outcome: "opt-out-recorded",
          codeToEnter: "103",
          accessLevel: "appointments-and-prescriptions",
        }),
      ),
    );
    expect(step.steps.join(" ")).toContain(`keep "Appointments" and "Repeat Prescriptions" ticked`);
  });
});

describe("clinicalSystemStep: access withheld", () => {
  it.each(CASES)("$system, $phase, online account $onlineAccount never leaves record access on", (c) => {
    const step = actionOf(
      clinicalSystemStep(input(c, { outcome: "withheld", codeToEnter: null, accessLevel: "prospective-record" })),
    );
    const text = step.steps.join("\n");
    expect(step.steps[0]).toBe(`No code to enter in ${c.system === "emis" ? "EMIS Web" : "SystmOne"}.`);
    expect(text).not.toContain("Prospective");
    expect(text).not.toContain("Detailed Coded Record");
    expect(step.changeAccessByHand).toBe(c.byHand);
  });
});

describe("clinicalSystemStep: rejected as unverified", () => {
  it("needs nothing in the clinical system", () => {
    const step = clinicalSystemStep(input(CASES[3]!, { outcome: "rejected-unverified", codeToEnter: null }));
    expect(step.kind).toBe("nothing-to-do");
  });
});

describe("goLivePhase", () => {
  it.each([
    { goLive: "2026-11-23", expected: "before-go-live" },
    { goLive: "2026-11-22", expected: "after-go-live" },
    { goLive: "2026-11-21", expected: "after-go-live" },
    { goLive: null, expected: "after-go-live" },
  ] as const)("go-live $goLive, today 2026-11-22: $expected", ({ goLive, expected }) => {
    expect(goLivePhase(goLive, TODAY)).toBe(expected);
  });
});

describe("isCodeAllowedFor", () => {
  it.each([
    { outcome: "granted", code: "106", allowed: true },
    { outcome: "granted", code: null, allowed: true },
    { outcome: "granted", code: "104", allowed: false },
    { outcome: "granted", code: "103", allowed: false },
    { outcome: "withheld", code: "104", allowed: true },
    { outcome: "withheld", code: "106", allowed: false },
    { outcome: "opt-out-recorded", code: "103", allowed: true },
    { outcome: "opt-out-recorded", code: null, allowed: false },
    { outcome: "opt-out-recorded", code: "106", allowed: false },
    { outcome: "rejected-unverified", code: null, allowed: true },
    { outcome: "rejected-unverified", code: "103", allowed: false },
  ] as const)("$outcome with code $code: $allowed", ({ outcome, code, allowed }) => {
    expect(isCodeAllowedFor(outcome, code)).toBe(allowed);
  });
});
