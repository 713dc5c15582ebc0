import { describe, expect, it } from "vitest";
import {
  CLINICAL_SYSTEMS,
  clinicalSystemStep,
  goLivePhase,
  undoStep,
  type AccessLevel,
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

/** The wording that switches off every online service: a full opt-out asks for nothing online. */
const EVERY_SERVICE_OFF: Record<ClinicalSystem, string> = {
  emis: `untick "Appointments", "Repeat Prescriptions" and "Medical Record" so that no online service remains`,
  tpp: `untick "Appointments" and "Repeat medication" and set "Record access" to "No access"`,
};

const KEEP_APPOINTMENTS: Record<ClinicalSystem, string> = {
  emis: `keep "Appointments" and "Repeat Prescriptions" ticked and untick "Medical Record"`,
  tpp: `keep "Appointments" and "Repeat medication" ticked and set "Record access" to "No access"`,
};

describe("clinicalSystemStep: a full opt-out (a 103, every online service off)", () => {
  // No code switches off appointments and prescriptions, so an existing account is changed by
  // hand before go-live as after; without an account there is nothing to switch off.
  it.each(CASES)("$system, $phase, online account $onlineAccount", (c) => {
    const step = actionOf(clinicalSystemStep(input(c, { outcome: "opt-out-recorded", codeToEnter: "103", accessLevel: "none" })));
    const text = step.steps.join("\n");
    expect(step.steps[0]).toContain(SYSTEM_MARKERS[c.system].codeEntry);
    expect(step.steps[0]).toContain(CODES["103"].conceptId);
    expect(step.changeAccessByHand).toBe(c.onlineAccount);
    if (c.onlineAccount) {
      expect(text).toContain(EVERY_SERVICE_OFF[c.system]);
      expect(text).toContain(SYSTEM_MARKERS[c.system].account);
      expect(step.summary).toMatch(/by hand/);
    } else if (c.phase === "before-go-live") {
      expect(text).toContain("the 103 is enough");
    } else {
      expect(text).toContain("will not give record access");
    }
    expect(text).not.toContain(KEEP_APPOINTMENTS[c.system]);
    expect(text).not.toMatch(SYSTEM_MARKERS[c.system].foreign);
  });
});

describe("clinicalSystemStep: an opt-out that keeps appointments and prescriptions", () => {
  it.each(CASES)("$system, $phase, online account $onlineAccount", (c) => {
    const step = actionOf(clinicalSystemStep(input(c, { outcome: "opt-out-recorded", codeToEnter: "103", accessLevel: "appointments-and-prescriptions" })));
    const text = step.steps.join("\n");
    expect(step.changeAccessByHand).toBe(c.byHand);
    expect(text.includes(KEEP_APPOINTMENTS[c.system])).toBe(c.byHand);
    expect(text).not.toContain(EVERY_SERVICE_OFF[c.system]);
  });
});

describe("clinicalSystemStep: access withheld", () => {
  it.each(CASES.flatMap((c) => (["appointments-and-prescriptions", "none"] as const).map((accessLevel) => ({ ...c, accessLevel }))))(
    "$system, $phase, online account $onlineAccount, level $accessLevel never leaves record access on",
    (c) => {
      const step = actionOf(clinicalSystemStep(input(c, { outcome: "withheld", codeToEnter: null, accessLevel: c.accessLevel })));
      const text = step.steps.join("\n");
      expect(step.steps[0]).toBe(`No code to enter in ${c.system === "emis" ? "EMIS Web" : "SystmOne"}.`);
      expect(text).not.toContain("Prospective");
      expect(text).not.toContain("Detailed Coded Record");
      expect(step.changeAccessByHand).toBe(c.byHand || (c.accessLevel === "none" && c.onlineAccount));
      if (step.changeAccessByHand) expect(text).toContain((c.accessLevel === "none" ? EVERY_SERVICE_OFF : KEEP_APPOINTMENTS)[c.system]);
    },
  );

  it("with a new 104 says so", () => {
    const step = actionOf(clinicalSystemStep(input(CASES[3]!, { outcome: "withheld", codeToEnter: "104", accessLevel: "appointments-and-prescriptions" })));
    expect(step.steps[0]).toContain(CODES["104"].conceptId);
    expect(step.summary).toBe("Enter code 104 (Review before access), then change the patient's online access by hand in EMIS Web.");
  });
});

describe("clinicalSystemStep: a grant while the patient's own 103 stays", () => {
  // The clinical system never gives record access over a 103, so it is switched on by hand,
  // whatever the go-live phase.
  it.each(CASES)("$system, $phase, online account $onlineAccount", (c) => {
    const step = actionOf(clinicalSystemStep(input(c, { codeToEnter: null, keeps103: true })));
    const text = step.steps.join("\n");
    expect(step.changeAccessByHand).toBe(true);
    expect(step.steps[0]).toBe(`No code to enter in ${c.system === "emis" ? "EMIS Web" : "SystmOne"}.`);
    if (c.onlineAccount) {
      expect(step.steps[1]).toContain(SYSTEM_MARKERS[c.system].account);
    } else {
      expect(step.steps[1]).toMatch(/^The patient's 103 stays on their record, so (EMIS Web|SystmOne) will not give record access by itself: when they create an online account, /);
    }
    expect(text).toContain(c.system === "emis" ? `choose "Detailed Coded Record"` : `"Record access" to "Prospective"`);
    expect(text).not.toContain("gives prospective access at go-live");
    expect(step.summary).toBe(`Change the patient's online access by hand in ${c.system === "emis" ? "EMIS Web" : "SystmOne"}.`);
  });

  it("with a 106 for a 104 hidden behind the 103, enters it first", () => {
    const step = actionOf(clinicalSystemStep(input(CASES[0]!, { codeToEnter: "106", keeps103: true })));
    expect(step.steps[0]).toContain(CODES["106"].conceptId);
    expect(step.summary).toBe("Enter code 106 (Review not needed), then change the patient's online access by hand in EMIS Web.");
  });
});

describe("clinicalSystemStep: nothing to do", () => {
  it.each(CLINICAL_SYSTEMS)("an under-16's request in %s points to the clinical system's own process", (system) => {
    const step = clinicalSystemStep(input({ ...CASES[3]!, system }, { outcome: "outside-service", codeToEnter: null, accessLevel: null }));
    const name = system === "emis" ? "EMIS Web" : "SystmOne";
    expect(step).toEqual({
      kind: "nothing-to-do",
      summary: `Nothing to do here: access for under-16s and proxy access are arranged through ${name}'s own process.`,
    });
  });

  it("a request rejected as unverified needs nothing in the clinical system", () => {
    const step = clinicalSystemStep(input(CASES[3]!, { outcome: "rejected-unverified", codeToEnter: null, accessLevel: null }));
    expect(step).toEqual({ kind: "nothing-to-do", summary: "Nothing to do in the clinical system: the request was not verified." });
  });
});

describe("undoStep: undoing a superseded decision", () => {
  const NAMES: Record<ClinicalSystem, string> = { emis: "EMIS Web", tpp: "SystmOne" };

  it.each(CLINICAL_SYSTEMS)("in %s, a decision never marked done has nothing to undo, but its step must not be finished", (system) => {
    expect(undoStep({ system, codeToEnter: "106", accessLevel: "prospective-record", actioned: false, actionedOn: null })).toEqual({
      kind: "nothing-to-do",
      summary: `The earlier decision was not marked done in ${NAMES[system]}: if its step was started, do not finish it.`,
    });
  });

  it.each([
    {
      system: "emis" as const,
      code: `In EMIS Web, open the patient's Care Record, find the 106 (${CODES["106"].term}) entered on 2026-11-12 for this request, and choose "Delete" with the reason "entered in error".`,
    },
    {
      system: "tpp" as const,
      code: `In SystmOne, find the 106 (${CODES["106"].term}) entered on 2026-11-12 for this request in the journal, and choose "Mark as entered in error".`,
    },
  ])("in $system, a done grant: the 106 marked as entered in error, access put back, then the new step", ({ system, code }) => {
    const undo = undoStep({ system, codeToEnter: "106", accessLevel: "prospective-record", actioned: true, actionedOn: "2026-11-12" });
    expect(undo).toEqual({
      kind: "action",
      summary: `Undo the earlier decision in ${NAMES[system]} first.`,
      steps: [code, expect.stringContaining("and put the online access back as it was before on 2026-11-12."), "Then carry out the step for the new decision."],
    });
    if (undo.kind === "action") expect(undo.steps[1]).toContain(SYSTEM_MARKERS[system].account);
  });

  it.each<[ClinicalSystem, AccessLevel]>([
    ["emis", "prospective-record"],
    ["tpp", "appointments-and-prescriptions"],
  ])("in %s, a done decision that only set the level %s: access put back, no code to remove", (system, accessLevel) => {
    const undo = undoStep({ system, codeToEnter: null, accessLevel, actioned: true, actionedOn: null });
    expect(undo).toEqual({
      kind: "action",
      summary: `Undo the earlier decision in ${NAMES[system]} first.`,
      steps: [expect.stringMatching(/, and put the online access back as it was before\.$/), "Then carry out the step for the new decision."],
    });
    expect(JSON.stringify(undo)).not.toContain("entered in error");
  });

  it("a done decision that changed nothing has nothing to undo", () => {
    expect(undoStep({ system: "emis", codeToEnter: null, accessLevel: null, actioned: true, actionedOn: "2026-11-12" })).toEqual({
      kind: "nothing-to-do",
      summary: "The earlier decision changed nothing in EMIS Web.",
    });
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
