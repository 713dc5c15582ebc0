import { describe, expect, it } from "vitest";
import { alarmFor, flattenFigures, listFigures, queueFigures, requestFigures, type PatientFacts } from "../../../app/domain/report";

const patient = (overrides: Partial<PatientFacts> = {}): PatientFacts => ({
  eligible: true,
  state: "default",
  enhancedReview: false,
  onlineAccount: false,
  enhancedReviewDay: null,
  ...overrides,
});

describe("the 104 alarm", () => {
  it.each([
    [0, "green"],
    [0.1, "green"],
    [0.1001, "amber"],
    [0.5, "amber"],
    [0.5001, "red"],
  ])("a share of %f is %s", (share, alarm) => {
    expect(alarmFor(share)).toBe(alarm);
  });
});

describe("listFigures", () => {
  it("counts only eligible patients, by state, with the active 104 share and the prospective-access share", () => {
    const figures = listFigures([
      patient({ onlineAccount: true }),
      patient({ state: "review-cleared", onlineAccount: true }),
      patient({ state: "enhanced-review", enhancedReview: true, onlineAccount: true, enhancedReviewDay: "2023-10-31" }),
      patient({ state: "conflict", enhancedReview: true, enhancedReviewDay: "2023-10-31" }),
      patient({ state: "declined", enhancedReview: true, enhancedReviewDay: "2024-01-02", onlineAccount: true }),
      patient({ eligible: false, state: "enhanced-review", enhancedReview: true, onlineAccount: true }),
    ]);
    expect(figures).toMatchObject({
      eligible: 5,
      byState: { default: 1, "review-cleared": 1, "enhanced-review": 1, conflict: 1, declined: 1 },
      enhancedReview: 3,
      enhancedReviewShare: 0.6,
      enhancedReviewAlarm: "red",
      onlineAccounts: 4,
      onlineAccountsWithProspectiveAccess: 2,
      prospectiveAccessShare: 0.5,
      // Two of three on one day is not "many": fewer than 20.
      bulkApplied: { suspected: false, day: "2023-10-31", count: 2 },
    });
  });

  it("suspects bulk application when at least 20 active 104s, and at least half of them, share a day", () => {
    const many = (n: number, day: string) => Array.from({ length: n }, () => patient({ state: "enhanced-review", enhancedReview: true, enhancedReviewDay: day }));
    expect(listFigures([...many(20, "2023-10-31"), ...many(20, "2024-05-01")]).bulkApplied).toEqual({ suspected: true, day: "2023-10-31", count: 20 });
    expect(listFigures([...many(20, "2023-10-31"), ...many(21, "2024-05-01")]).bulkApplied).toEqual({ suspected: true, day: "2024-05-01", count: 21 });
    expect(listFigures([...many(20, "2023-10-31"), ...many(19, "2024-05-01"), ...many(19, "2024-06-01")]).bulkApplied.suspected).toBe(false);
    expect(listFigures(many(19, "2023-10-31")).bulkApplied.suspected).toBe(false);
  });

  it("gives no shares to divide by zero: an empty list, or no online accounts", () => {
    expect(listFigures([])).toMatchObject({ eligible: 0, enhancedReviewShare: 0, enhancedReviewAlarm: "green", prospectiveAccessShare: null });
  });
});

describe("requestFigures", () => {
  it("counts each step in the month it happened, from the first instant to before the next month", () => {
    const from = new Date("2026-11-01T00:00:00Z");
    const to = new Date("2026-12-01T00:00:00Z");
    const figures = requestFigures(
      [
        { kind: "opt-out", receivedAt: new Date("2026-10-31T23:59:59Z"), decidedAt: new Date("2026-11-01T00:00:00Z"), actionedAt: new Date("2026-12-01T00:00:00Z") },
        { kind: "opt-out", receivedAt: new Date("2026-11-30T23:59:59Z"), decidedAt: null, actionedAt: null },
        { kind: "opt-in", receivedAt: new Date("2026-11-15T12:00:00Z"), decidedAt: new Date("2026-11-16T12:00:00Z"), actionedAt: new Date("2026-11-17T12:00:00Z") },
      ],
      from,
      to,
    );
    expect(figures).toEqual({
      "opt-out": { received: 1, decided: 1, done: 0 },
      "opt-in": { received: 1, decided: 1, done: 1 },
      "withdraw-opt-out": { received: 0, decided: 0, done: 0 },
    });
  });
});

describe("queueFigures", () => {
  it("gives the median, the longest wait and those past target", () => {
    expect(queueFigures([3, 20, 1, 15], 14)).toEqual({ open: 4, pastTarget: 2, oldestWaitingDays: 20, medianWaitingDays: 9 });
    expect(queueFigures([5], 14)).toEqual({ open: 1, pastTarget: 0, oldestWaitingDays: 5, medianWaitingDays: 5 });
    expect(queueFigures([], 14)).toEqual({ open: 0, pastTarget: 0, oldestWaitingDays: null, medianWaitingDays: null });
  });
});

describe("flattenFigures", () => {
  it("joins nested keys with dots and writes shares to four places", () => {
    expect(flattenFigures({ eligible: 10, share: 1 / 3, byState: { default: 7 }, none: null, alarm: "red" })).toEqual([
      ["eligible", "10"],
      ["share", "0.3333"],
      ["byState.default", "7"],
      ["none", ""],
      ["alarm", "red"],
    ]);
  });
});
