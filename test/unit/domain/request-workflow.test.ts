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
  nextStates,
  type DecisionOutcome,
  type RequestKind,
  type RequestState,
  type TransitionContext,
} from "../../../app/domain/request-workflow";

const matchedOptIn: TransitionContext = { kind: "opt-in", enhancedReview: false, identityMatched: true };
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

  it("lets every state but closed move on, and every state be reached from received", () => {
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
    for (const state of OPEN_REQUEST_STATES) expect(nextStates(state).length).toBeGreaterThan(0);
    expect(nextStates("closed")).toEqual([]);
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
    ["going backwards", "decided", "triage", "manager", matchedOptIn, /cannot move from decided to triage/],
    ["reopening a closed request", "closed", "triage", "manager", matchedOptIn, /cannot move from closed to triage/],
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
      "an enhanced-review opt-in decided at triage, even by a clinician",
      "triage",
      "decided",
      "clinician",
      { ...matchedOptIn, enhancedReview: true, outcome: "granted" },
      /must go to clinician review/,
    ],
    [
      "an enhanced-review opt-in withheld at triage by reception",
      "triage",
      "decided",
      "reception",
      { ...matchedOptIn, enhancedReview: true, outcome: "withheld" },
      /must go to clinician review/,
    ],
    [
      "reception deciding under clinician review",
      "clinician-review",
      "decided",
      "reception",
      { ...matchedOptIn, enhancedReview: true, outcome: "granted" },
      /Only a clinician/,
    ],
    [
      "a manager deciding after counselling",
      "counselling",
      "decided",
      "manager",
      { ...matchedOptIn, enhancedReview: true, outcome: "granted" },
      /Only a clinician/,
    ],
    [
      "reception rejecting an enhanced-review opt-in as unverified",
      "identity-check",
      "decided",
      "reception",
      { ...matchedOptIn, enhancedReview: true, identityMatched: false, outcome: "rejected-unverified" },
      /Only a clinician can decide an opt-in/,
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
        enhancedReview: fc.boolean(),
        identityMatched: fc.boolean(),
        outcome: fc.constantFrom(...DECISION_OUTCOMES),
      },
      { requiredKeys: ["kind", "enhancedReview", "identityMatched"] },
    );
    fc.assert(
      fc.property(state, state, fc.constantFrom(...ACTORS), ctx, (from, to, actor, context) => {
        const designed = EDGES.some((edge) => edge.from === from && edge.to === to);
        if (!designed) expect(checkTransition(from, to, actor, context).ok).toBe(false);
      }),
    );
  });

  it("explains every refusal in a sentence", () => {
    for (const from of REQUEST_STATES) {
      for (const to of REQUEST_STATES) {
        for (const actor of ACTORS) {
          for (const kind of REQUEST_KINDS) {
            for (const outcome of [undefined, ...DECISION_OUTCOMES]) {
              for (const flags of [
                { enhancedReview: false, identityMatched: false },
                { enhancedReview: true, identityMatched: true },
              ]) {
                const result = checkTransition(from, to, actor, { kind, outcome, ...flags });
                if (!result.ok) expect(result.reason).toMatch(/^[A-Z][^]*\.$/);
              }
            }
          }
        }
      }
    }
  });
});

describe("checkTransition: outcomes must suit the kind of request", () => {
  const allowedOutcomes: Record<RequestKind, readonly DecisionOutcome[]> = {
    "opt-out": ["opt-out-recorded", "rejected-unverified"],
    "opt-in": ["granted", "withheld", "rejected-unverified"],
    "withdraw-opt-out": ["granted", "withheld", "rejected-unverified"],
  };
  const cases = REQUEST_KINDS.flatMap((kind) =>
    DECISION_OUTCOMES.map((outcome) => ({ kind, outcome, allowed: allowedOutcomes[kind].includes(outcome) })),
  );

  it.each(cases)("$kind decided as $outcome: allowed $allowed", ({ kind, outcome, allowed }) => {
    const ctx: TransitionContext = { kind, outcome, enhancedReview: false, identityMatched: true };
    expect(checkTransition("triage", "decided", "manager", ctx).ok).toBe(allowed);
    expect(checkTransition("clinician-review", "decided", "clinician", ctx).ok).toBe(allowed);
    expect(checkTransition("counselling", "decided", "clinician", ctx).ok).toBe(allowed);
  });
});

describe("checkTransition: enhanced review", () => {
  const enhancedOptIn: TransitionContext = { ...matchedOptIn, enhancedReview: true, outcome: "granted" };

  it.each(ACTORS)("an enhanced-review opt-in cannot be decided at triage by %s", (actor) => {
    expect(checkTransition("triage", "decided", actor, enhancedOptIn).ok).toBe(false);
  });

  it.each(ACTORS)("an enhanced-review opt-in is decided under clinician review only by a clinician (%s)", (actor) => {
    expect(checkTransition("clinician-review", "decided", actor, enhancedOptIn).ok).toBe(actor === "clinician");
    expect(checkTransition("counselling", "decided", actor, enhancedOptIn).ok).toBe(actor === "clinician");
  });

  it.each(STAFF_ROLES)("an enhanced-review opt-in can be sent to clinician review by %s", (actor) => {
    expect(checkTransition("triage", "clinician-review", actor, enhancedOptIn)).toEqual({ ok: true });
  });

  it.each([
    ["an opt-out", "opt-out", "opt-out-recorded"],
    ["a withdrawal of an opt-out", "withdraw-opt-out", "granted"],
  ] as const)("%s from a patient with enhanced review can be decided at triage by reception", (_why, kind, outcome) => {
    const ctx: TransitionContext = { kind, outcome, enhancedReview: true, identityMatched: true };
    expect(checkTransition("triage", "decided", "reception", ctx)).toEqual({ ok: true });
  });

  it.each(STAFF_ROLES)("an opt-in without enhanced review can be decided at triage by %s", (actor) => {
    expect(checkTransition("triage", "decided", actor, { ...enhancedOptIn, enhancedReview: false })).toEqual({ ok: true });
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

  it("an enhanced-review opt-in via clinician review and counselling", () => {
    walk(
      [
        ["triage", "system"],
        ["clinician-review", "reception"],
        ["counselling", "clinician"],
        ["decided", "clinician"],
        ["actioned", "reception"],
        ["closed", "system"],
      ],
      { kind: "opt-in", enhancedReview: true, identityMatched: true, outcome: "granted" },
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
      { kind: "opt-out", enhancedReview: false, identityMatched: true, outcome: "opt-out-recorded" },
    );
  });

  it("an unverified request rejected and closed without touching the clinical system", () => {
    walk(
      [
        ["identity-check", "system"],
        ["decided", "reception"],
        ["closed", "system"],
      ],
      { kind: "withdraw-opt-out", enhancedReview: false, identityMatched: false, outcome: "rejected-unverified" },
    );
  });
});

describe("needsClinicalSystemAction", () => {
  it.each([
    ["granted", true],
    ["withheld", true],
    ["opt-out-recorded", true],
    ["rejected-unverified", false],
  ] as const)("%s → %s", (outcome, expected) => {
    expect(needsClinicalSystemAction(outcome)).toBe(expected);
  });
});
