import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACTORS, STAFF_ROLES, type Actor } from "../../../app/domain/roles";
import {
  DECISION_OUTCOMES,
  OPEN_REQUEST_STATES,
  REQUEST_KINDS,
  REQUEST_STATES,
  checkTransition,
  needsClinicalSystemAction,
  needsClinicianDecision,
  nextStates,
  reopenTarget,
  type DecisionOutcome,
  type RequestKind,
  type RequestState,
  type TransitionContext,
} from "../../../app/domain/request-workflow";

const matchedOptIn: TransitionContext = { kind: "opt-in", hadActive104: false, identityMatched: true };
/** An opt-in from a patient who had an active 104 at some point of the request. */
const atRiskOptIn: TransitionContext = { ...matchedOptIn, hadActive104: true };
const staff: readonly Actor[] = STAFF_ROLES;
const staffOrSystem: readonly Actor[] = ACTORS;

interface Edge {
  from: RequestState;
  to: RequestState;
  actors: readonly Actor[];
  ctx: TransitionContext;
}

// Every transition in DESIGN §2, with the actors allowed to make it and a context that meets
// its other conditions.
const EDGES: Edge[] = [
  { from: "received", to: "identity-check", actors: ["system"], ctx: { ...matchedOptIn, identityMatched: false } },
  { from: "received", to: "triage", actors: ["system"], ctx: matchedOptIn },
  { from: "identity-check", to: "triage", actors: staff, ctx: matchedOptIn },
  {
    from: "identity-check",
    to: "decided",
    actors: staff,
    ctx: { ...matchedOptIn, identityMatched: false, outcome: "rejected-unverified" },
  },
  { from: "triage", to: "clinician-review", actors: staff, ctx: matchedOptIn },
  { from: "triage", to: "decided", actors: staff, ctx: { ...matchedOptIn, outcome: "granted" } },
  { from: "clinician-review", to: "counselling", actors: ["clinician"], ctx: matchedOptIn },
  { from: "clinician-review", to: "decided", actors: ["clinician"], ctx: { ...matchedOptIn, outcome: "withheld" } },
  { from: "counselling", to: "decided", actors: ["clinician"], ctx: { ...matchedOptIn, outcome: "granted" } },
  { from: "decided", to: "actioned", actors: staff, ctx: { ...matchedOptIn, outcome: "granted" } },
  { from: "decided", to: "closed", actors: staffOrSystem, ctx: { ...matchedOptIn, outcome: "rejected-unverified" } },
  { from: "actioned", to: "closed", actors: staffOrSystem, ctx: { ...matchedOptIn, outcome: "granted" } },
  // Reopening to correct a decision: a manager, or a clinician when the patient had a 104.
  { from: "decided", to: "triage", actors: ["manager"], ctx: { ...matchedOptIn, outcome: "granted" } },
  { from: "decided", to: "clinician-review", actors: ["clinician", "manager"], ctx: { ...atRiskOptIn, outcome: "withheld" } },
  { from: "actioned", to: "triage", actors: ["manager"], ctx: { ...matchedOptIn, kind: "opt-out", outcome: "opt-out-recorded" } },
  { from: "actioned", to: "clinician-review", actors: ["clinician", "manager"], ctx: { ...atRiskOptIn, kind: "withdraw-opt-out", outcome: "granted" } },
  { from: "closed", to: "triage", actors: ["manager"], ctx: { ...matchedOptIn, outcome: "rejected-unverified" } },
  { from: "closed", to: "clinician-review", actors: ["clinician", "manager"], ctx: { ...atRiskOptIn, outcome: "granted", decisionHadActive104: true } },
  // Reopening a request rejected before anyone knew who sent it: back to finding the patient.
  { from: "decided", to: "identity-check", actors: ["manager"], ctx: { ...matchedOptIn, identityMatched: false, outcome: "rejected-unverified" } },
  { from: "actioned", to: "identity-check", actors: ["manager"], ctx: { ...matchedOptIn, kind: "opt-out", identityMatched: false, outcome: "opt-out-recorded" } },
  { from: "closed", to: "identity-check", actors: ["manager"], ctx: { ...matchedOptIn, identityMatched: false, outcome: "rejected-unverified" } },
];

const refusal = (reason: RegExp) => ({ ok: false, reason: expect.stringMatching(reason) });

describe("request states", () => {
  it("counts every state but closed as open", () => {
    expect(OPEN_REQUEST_STATES).toEqual(REQUEST_STATES.filter((state) => state !== "closed"));
  });

  it.each(REQUEST_STATES)("nextStates(%s) lists exactly the designed transitions", (from) => {
    const designed = EDGES.filter((edge) => edge.from === from).map((edge) => edge.to);
    expect([...nextStates(from)].sort()).toEqual(designed.sort());
  });

  it("lets every state move on, and every state be reached from received", () => {
    const reached = new Set<RequestState>(["received"]);
    const queue: RequestState[] = ["received"];
    while (queue.length > 0) {
      for (const next of nextStates(queue.shift()!)) {
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    expect(reached).toEqual(new Set(REQUEST_STATES));
    for (const state of REQUEST_STATES) expect(nextStates(state).length).toBeGreaterThan(0);
    // A closed request only ever goes back to where a new decision is made, or where its patient is found.
    expect([...nextStates("closed")].sort()).toEqual(["clinician-review", "identity-check", "triage"]);
  });
});

describe("checkTransition: who may make each transition", () => {
  const cases = EDGES.flatMap((edge) =>
    ACTORS.map((actor) => ({ ...edge, actor, allowed: edge.actors.includes(actor) })),
  );

  it.each(cases)("$from → $to by $actor: allowed $allowed", ({ from, to, actor, ctx, allowed }) => {
    const result = checkTransition(from, to, actor, ctx);
    expect(result.ok).toBe(allowed);
  });
});

describe("checkTransition: refusals", () => {
  it.each<[string, RequestState, RequestState, Actor, TransitionContext, RegExp]>([
    ["skipping triage", "received", "decided", "system", { ...matchedOptIn, outcome: "granted" }, /cannot move from received to decided/],
    // Only reopening goes back to identity check, and only for a request with no patient yet.
    ["going back to identity check before a decision", "triage", "identity-check", "manager", matchedOptIn, /cannot move from triage to identity check/],
    ["reopening a request with a known patient to identity check", "actioned", "identity-check", "manager", { ...matchedOptIn, outcome: "granted" }, /goes back to triage/],
    ["reopening an at-risk request with a known patient to identity check", "closed", "identity-check", "clinician", { ...atRiskOptIn, outcome: "granted" }, /goes back to clinician review/],
    ["reopening an unlinked request to triage", "closed", "triage", "manager", { ...matchedOptIn, identityMatched: false, outcome: "rejected-unverified" }, /goes back to identity check/],
    ["reopening an unlinked request by reception", "decided", "identity-check", "reception", { ...matchedOptIn, identityMatched: false, outcome: "rejected-unverified" }, /Only a practice manager can reopen/],
    ["deciding a closed request without reopening it", "closed", "decided", "manager", { ...matchedOptIn, outcome: "granted" }, /cannot move from closed to decided/],
    ["staying put", "triage", "triage", "manager", matchedOptIn, /cannot move from triage to triage/],
    ["staff routing a new request", "received", "triage", "reception", matchedOptIn, /Only the portal/],
    [
      "an unmatched request straight to triage",
      "received",
      "triage",
      "system",
      { ...matchedOptIn, identityMatched: false },
      /identity check first/,
    ],
    ["a matched request to identity check", "received", "identity-check", "system", matchedOptIn, /straight to triage/],
    [
      "triage before identity is confirmed",
      "identity-check",
      "triage",
      "reception",
      { ...matchedOptIn, identityMatched: false },
      /Confirm the patient's identity/,
    ],
    [
      "granting a request still in identity check",
      "identity-check",
      "decided",
      "manager",
      { ...matchedOptIn, outcome: "granted" },
      /only be rejected as unverified/,
    ],
    [
      "the portal deciding from identity check",
      "identity-check",
      "decided",
      "system",
      { ...matchedOptIn, identityMatched: false, outcome: "rejected-unverified" },
      /Only a member of staff/,
    ],
    ["deciding without an outcome", "triage", "decided", "manager", matchedOptIn, /Choose a decision outcome/],
    [
      "an at-risk opt-in decided at triage, even by a clinician",
      "triage",
      "decided",
      "clinician",
      { ...atRiskOptIn, outcome: "granted" },
      /must go to clinician review/,
    ],
    [
      "an at-risk opt-in withheld at triage by reception",
      "triage",
      "decided",
      "reception",
      { ...atRiskOptIn, outcome: "withheld" },
      /must go to clinician review/,
    ],
    [
      "an at-risk withdrawal of an opt-out granted at triage by reception",
      "triage",
      "decided",
      "reception",
      { ...atRiskOptIn, kind: "withdraw-opt-out", outcome: "granted" },
      /must go to clinician review/,
    ],
    [
      "reception deciding under clinician review",
      "clinician-review",
      "decided",
      "reception",
      { ...atRiskOptIn, outcome: "granted" },
      /Only a clinician/,
    ],
    [
      "a manager deciding after counselling",
      "counselling",
      "decided",
      "manager",
      { ...atRiskOptIn, outcome: "granted" },
      /Only a clinician/,
    ],
    [
      "reception rejecting an at-risk opt-in as unverified",
      "identity-check",
      "decided",
      "reception",
      { ...atRiskOptIn, identityMatched: false, outcome: "rejected-unverified" },
      /Only a clinician can decide a request for access from a patient who had an active 104/,
    ],
    ["reception arranging counselling", "clinician-review", "counselling", "reception", matchedOptIn, /Only a clinician/],
    [
      "granting an opt-out",
      "triage",
      "decided",
      "manager",
      { ...matchedOptIn, kind: "opt-out", outcome: "granted" },
      /does not apply to an opt-out request/,
    ],
    [
      "recording an opt-out for an opt-in",
      "triage",
      "decided",
      "manager",
      { ...matchedOptIn, outcome: "opt-out-recorded" },
      /does not apply to an opt-in request/,
    ],
    [
      "actioning a rejection",
      "decided",
      "actioned",
      "manager",
      { ...matchedOptIn, outcome: "rejected-unverified" },
      /Close it instead/,
    ],
    [
      "actioning an under-16's request",
      "decided",
      "actioned",
      "manager",
      { ...matchedOptIn, outcome: "outside-service" },
      /outside this service \(under 16\) needs nothing done in the clinical system\. Close it instead/,
    ],
    [
      "carrying out a grant decided before the patient's 104 appeared",
      "decided",
      "actioned",
      "reception",
      { ...atRiskOptIn, outcome: "granted", decisionHadActive104: false },
      /has had a 104 since access was granted: reopen the request/,
    ],
    [
      "carrying out a grant to an at-risk patient without saying how it was decided",
      "decided",
      "actioned",
      "manager",
      { ...atRiskOptIn, outcome: "granted" },
      /reopen the request/,
    ],
    ["reopening by reception", "decided", "triage", "reception", { ...matchedOptIn, outcome: "granted" }, /Only a practice manager can reopen/],
    ["reopening by a clinician when the patient never had a 104", "actioned", "triage", "clinician", { ...matchedOptIn, outcome: "granted" }, /Only a practice manager can reopen/],
    ["reopening an at-risk request by reception", "closed", "clinician-review", "reception", { ...atRiskOptIn, outcome: "granted" }, /Only a clinician or a practice manager can reopen/],
    ["the portal reopening a request", "closed", "triage", "system", { ...matchedOptIn, outcome: "granted" }, /Only a practice manager can reopen/],
    ["reopening an ordinary request to clinician review", "decided", "clinician-review", "manager", { ...matchedOptIn, outcome: "granted" }, /goes back to triage/],
    ["reopening an at-risk opt-in to triage", "actioned", "triage", "clinician", { ...atRiskOptIn, outcome: "granted" }, /goes back to clinician review/],
    [
      "closing a grant before it is actioned",
      "decided",
      "closed",
      "system",
      { ...matchedOptIn, outcome: "granted" },
      /mark the request actioned/,
    ],
    [
      "closing an opt-out before it is actioned",
      "decided",
      "closed",
      "manager",
      { ...matchedOptIn, kind: "opt-out", outcome: "opt-out-recorded" },
      /mark the request actioned/,
    ],
    ["actioning without knowing the outcome", "decided", "actioned", "manager", matchedOptIn, /Choose a decision outcome/],
    ["the portal marking a decision actioned", "decided", "actioned", "system", { ...matchedOptIn, outcome: "granted" }, /Only a member of staff/],
  ])("refuses %s", (_why, from, to, actor, ctx, reason) => {
    expect(checkTransition(from, to, actor, ctx)).toEqual(refusal(reason));
  });

  it("refuses every pair of states that is not a designed transition, whoever asks", () => {
    const state = fc.constantFrom(...REQUEST_STATES);
    const ctx = fc.record(
      {
        kind: fc.constantFrom(...REQUEST_KINDS),
        hadActive104: fc.boolean(),
        identityMatched: fc.boolean(),
        outcome: fc.constantFrom(...DECISION_OUTCOMES),
        decisionHadActive104: fc.boolean(),
      },
      { requiredKeys: ["kind", "hadActive104", "identityMatched"] },
    );
    fc.assert(
      fc.property(state, state, fc.constantFrom(...ACTORS), ctx, (from, to, actor, context) => {
        const designed = EDGES.some((edge) => edge.from === from && edge.to === to);
        if (!designed) expect(checkTransition(from, to, actor, context).ok).toBe(false);
      }),
    );
  });

  it("explains every refusal in a sentence", () => {
    const unexplained: string[] = [];
    for (const from of REQUEST_STATES) {
      for (const to of REQUEST_STATES) {
        for (const actor of ACTORS) {
          for (const kind of REQUEST_KINDS) {
            for (const outcome of [undefined, ...DECISION_OUTCOMES]) {
              for (const flags of [
                { hadActive104: false, identityMatched: false },
                { hadActive104: true, identityMatched: true },
                { hadActive104: true, identityMatched: true, decisionHadActive104: false },
              ]) {
                const result = checkTransition(from, to, actor, { kind, outcome, ...flags });
                if (!result.ok && !/^[A-Z][^]*\.$/.test(result.reason)) unexplained.push(result.reason);
              }
            }
          }
        }
      }
    }
    expect(unexplained).toEqual([]);
  });
});

describe("checkTransition: outcomes must suit the kind of request", () => {
  const allowedOutcomes: Record<RequestKind, readonly DecisionOutcome[]> = {
    "opt-out": ["opt-out-recorded", "rejected-unverified", "outside-service"],
    "opt-in": ["granted", "withheld", "rejected-unverified", "outside-service"],
    "withdraw-opt-out": ["granted", "withheld", "rejected-unverified", "outside-service"],
  };
  const cases = REQUEST_KINDS.flatMap((kind) =>
    DECISION_OUTCOMES.map((outcome) => ({ kind, outcome, allowed: allowedOutcomes[kind].includes(outcome) })),
  );

  it.each(cases)("$kind decided as $outcome: allowed $allowed", ({ kind, outcome, allowed }) => {
    const ctx: TransitionContext = { kind, outcome, hadActive104: false, identityMatched: true };
    expect(checkTransition("triage", "decided", "manager", ctx).ok).toBe(allowed);
    expect(checkTransition("clinician-review", "decided", "clinician", ctx).ok).toBe(allowed);
    expect(checkTransition("counselling", "decided", "clinician", ctx).ok).toBe(allowed);
  });
});

describe("checkTransition: a patient who had an active 104 at any point of the request", () => {
  it.each<[RequestKind, boolean, boolean]>([
    ["opt-in", true, true],
    ["withdraw-opt-out", true, true],
    ["opt-out", true, false],
    ["opt-in", false, false],
    ["withdraw-opt-out", false, false],
    ["opt-out", false, false],
  ])("a %s request, had a 104 %s: needs a clinician's decision %s", (kind, hadActive104, needed) => {
    expect(needsClinicianDecision({ kind, hadActive104 })).toBe(needed);
    expect(reopenTarget({ kind, hadActive104, identityMatched: true })).toBe(needed ? "clinician-review" : "triage");
    // Rejected before anyone knew who sent it: back to finding the patient.
    expect(reopenTarget({ kind, hadActive104, identityMatched: false })).toBe("identity-check");
  });

  describe.each<RequestKind>(["opt-in", "withdraw-opt-out"])("a request for access (%s)", (kind) => {
    const atRisk: TransitionContext = { ...atRiskOptIn, kind, outcome: "granted" };

    it.each(ACTORS)("cannot be decided at triage by %s", (actor) => {
      expect(checkTransition("triage", "decided", actor, atRisk).ok).toBe(false);
    });

    it.each(ACTORS)("is decided under clinician review or after counselling only by a clinician (%s)", (actor) => {
      expect(checkTransition("clinician-review", "decided", actor, atRisk).ok).toBe(actor === "clinician");
      expect(checkTransition("counselling", "decided", actor, atRisk).ok).toBe(actor === "clinician");
    });

    it.each(STAFF_ROLES)("can be sent to clinician review by %s", (actor) => {
      expect(checkTransition("triage", "clinician-review", actor, atRisk)).toEqual({ ok: true });
    });

    it.each(STAFF_ROLES)("without a 104 can be decided at triage by %s", (actor) => {
      expect(checkTransition("triage", "decided", actor, { ...atRisk, hadActive104: false })).toEqual({ ok: true });
    });
  });

  it("an opt-out from such a patient can be decided at triage by reception (it only takes access away)", () => {
    const ctx: TransitionContext = { ...atRiskOptIn, kind: "opt-out", outcome: "opt-out-recorded" };
    expect(checkTransition("triage", "decided", "reception", ctx)).toEqual({ ok: true });
  });

  it.each<[string, Partial<TransitionContext>, boolean]>([
    ["decided knowing of the 104", { outcome: "granted", decisionHadActive104: true }, true],
    ["decided before the 104 appeared", { outcome: "granted", decisionHadActive104: false }, false],
    ["withheld before the 104 appeared", { outcome: "withheld", decisionHadActive104: false }, true],
  ])("a grant %s may be marked done in the clinical system: %s", (_why, decision, allowed) => {
    expect(checkTransition("decided", "actioned", "reception", { ...atRiskOptIn, ...decision }).ok).toBe(allowed);
  });

  it("a patient who never had a 104 has a grant marked done without saying how it was decided", () => {
    expect(checkTransition("decided", "actioned", "reception", { ...matchedOptIn, outcome: "granted" })).toEqual({ ok: true });
  });
});

describe("checkTransition: whole journeys", () => {
  type Step = [RequestState, Actor] | [RequestState, Actor, Partial<TransitionContext>];

  function walk(steps: Step[], ctx: TransitionContext): void {
    let from: RequestState = "received";
    for (const [to, actor, stepCtx] of steps) {
      const result = checkTransition(from, to, actor, { ...ctx, ...stepCtx });
      expect({ from, to, actor, result }).toEqual({
        from,
        to,
        actor,
        result: { ok: true },
      });
      from = to;
    }
  }

  it("an at-risk opt-in via clinician review and counselling", () => {
    walk(
      [
        ["triage", "system"],
        ["clinician-review", "reception"],
        ["counselling", "clinician"],
        ["decided", "clinician"],
        ["actioned", "reception"],
        ["closed", "system"],
      ],
      { kind: "opt-in", hadActive104: true, identityMatched: true, outcome: "granted", decisionHadActive104: true },
    );
  });

  it("an unmatched opt-out confirmed by staff and recorded", () => {
    walk(
      [
        ["identity-check", "system", { identityMatched: false }],
        ["triage", "reception"],
        ["decided", "reception"],
        ["actioned", "manager"],
        ["closed", "manager"],
      ],
      { kind: "opt-out", hadActive104: false, identityMatched: true, outcome: "opt-out-recorded" },
    );
  });

  it("an unverified request rejected and closed without touching the clinical system", () => {
    walk(
      [
        ["identity-check", "system"],
        ["decided", "reception"],
        ["closed", "system"],
      ],
      { kind: "withdraw-opt-out", hadActive104: false, identityMatched: false, outcome: "rejected-unverified" },
    );
  });

  it("an under-16's request recorded as outside this service and closed without touching the clinical system", () => {
    walk(
      [
        ["triage", "system"],
        ["decided", "reception"],
        ["closed", "system"],
      ],
      { kind: "opt-in", hadActive104: false, identityMatched: true, outcome: "outside-service" },
    );
  });

  it("a decision corrected: done, reopened by a manager, decided again and done again", () => {
    walk(
      [
        ["triage", "system"],
        ["decided", "clinician"],
        ["actioned", "reception"],
        ["closed", "system"],
        ["triage", "manager"],
        ["decided", "manager", { outcome: "granted" }],
        ["actioned", "manager", { outcome: "granted" }],
      ],
      { kind: "withdraw-opt-out", hadActive104: false, identityMatched: true, outcome: "withheld" },
    );
  });

  it("an unverified request rejected, reopened by a manager to identity check, then linked and decided", () => {
    walk(
      [
        ["identity-check", "system"],
        ["decided", "reception", { outcome: "rejected-unverified" }],
        ["closed", "system", { outcome: "rejected-unverified" }],
        ["identity-check", "manager", { outcome: "rejected-unverified" }],
        ["triage", "reception", { identityMatched: true }],
        ["decided", "reception", { identityMatched: true }],
        ["actioned", "reception", { identityMatched: true }],
      ],
      { kind: "opt-out", hadActive104: false, identityMatched: false, outcome: "opt-out-recorded" },
    );
  });

  it("an at-risk patient's grant corrected by the clinician who made it", () => {
    walk(
      [
        ["triage", "system"],
        ["clinician-review", "reception"],
        ["decided", "clinician"],
        ["actioned", "reception"],
        ["clinician-review", "clinician"],
        ["decided", "clinician", { outcome: "withheld" }],
        ["actioned", "reception", { outcome: "withheld" }],
      ],
      { kind: "opt-in", hadActive104: true, identityMatched: true, outcome: "granted", decisionHadActive104: true },
    );
  });
});

describe("needsClinicalSystemAction", () => {
  it.each([
    ["granted", true],
    ["withheld", true],
    ["opt-out-recorded", true],
    ["rejected-unverified", false],
    ["outside-service", false],
  ] as const)("%s → %s", (outcome, expected) => {
    expect(needsClinicalSystemAction(outcome)).toBe(expected);
  });
});
