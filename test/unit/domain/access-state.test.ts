import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ACCESS_STATES,
  effectiveAccessState,
  had104Since,
  reviewOutcome,
  type AccessHistory,
  type AccessState,
  type CodedEntry,
} from "../../../app/domain/access-state";
import { CODE_KEYS, type CodeKey } from "../../../app/domain/codes";
import { compareRecorded, recordedAtInstant, recordedOnDay, type RecordedAt } from "../../../app/domain/recorded-at";

const at = (iso: string): RecordedAt => recordedAtInstant(new Date(iso));
const on = (day: string): RecordedAt => recordedOnDay(day);
const coded = (code: CodeKey, recordedAt: RecordedAt): CodedEntry => ({ code, recordedAt });

interface Row {
  name: string;
  history: AccessHistory;
  state: AccessState;
  enhancedReview: boolean;
}

const rows: Row[] = [
  // default
  { name: "no codes at all", history: { entries: [] }, state: "default", enhancedReview: false },
  {
    name: "a grant with no 103 changes nothing",
    history: { entries: [], accessGrants: [on("2024-01-01")] },
    state: "default",
    enhancedReview: false,
  },
  // enhanced-review / review-cleared
  { name: "a lone 104", history: { entries: [coded("104", on("2023-10-02"))] }, state: "enhanced-review", enhancedReview: true },
  { name: "a lone 106", history: { entries: [coded("106", on("2023-10-20"))] }, state: "review-cleared", enhancedReview: false },
  {
    name: "a 106 on a later day lifts a 104",
    history: { entries: [coded("104", on("2023-10-02")), coded("106", on("2023-10-20"))] },
    state: "review-cleared",
    enhancedReview: false,
  },
  {
    name: "a 104 on a later day than the 106 stands",
    history: { entries: [coded("106", on("2023-10-20")), coded("104", on("2023-11-01"))] },
    state: "enhanced-review",
    enhancedReview: true,
  },
  {
    name: "a 104 re-entered after a 106 that lifted an earlier 104",
    history: {
      entries: [coded("104", on("2023-01-01")), coded("106", on("2023-02-01")), coded("104", on("2023-03-01"))],
    },
    state: "enhanced-review",
    enhancedReview: true,
  },
  {
    name: "a 106 one minute after a 104 on the same day (both instants)",
    history: { entries: [coded("104", at("2024-05-01T09:00:00Z")), coded("106", at("2024-05-01T09:01:00Z"))] },
    state: "review-cleared",
    enhancedReview: false,
  },
  {
    name: "a 104 one second after a 106 (both instants)",
    history: { entries: [coded("106", at("2024-05-01T09:00:00Z")), coded("104", at("2024-05-01T09:00:01Z"))] },
    state: "enhanced-review",
    enhancedReview: true,
  },
  {
    name: "two 104s and a 106 later than both",
    history: {
      entries: [coded("104", on("2023-01-01")), coded("104", on("2023-02-01")), coded("106", on("2023-03-01"))],
    },
    state: "review-cleared",
    enhancedReview: false,
  },
  // conflict
  {
    name: "a 104 and a 106 at the same instant",
    history: { entries: [coded("104", at("2024-05-01T09:00:00Z")), coded("106", at("2024-05-01T09:00:00Z"))] },
    state: "conflict",
    enhancedReview: true,
  },
  {
    name: "a 104 and a 106 on the same day in a date-only export",
    history: { entries: [coded("104", on("2023-10-02")), coded("106", on("2023-10-02"))] },
    state: "conflict",
    enhancedReview: true,
  },
  {
    name: "a date-only 104 and a 106 instant later that UK day",
    history: { entries: [coded("104", on("2024-05-01")), coded("106", at("2024-05-01T16:00:00Z"))] },
    state: "conflict",
    enhancedReview: true,
  },
  {
    name: "a date-only 104 and a BST-evening 106 that is the previous day in UTC",
    history: { entries: [coded("104", on("2024-07-01")), coded("106", at("2024-06-30T23:30:00Z"))] },
    state: "conflict",
    enhancedReview: true,
  },
  {
    name: "a date-only 104 and a BST-evening 106 that falls on the next UK day",
    history: { entries: [coded("104", on("2024-06-30")), coded("106", at("2024-06-30T23:30:00Z"))] },
    state: "review-cleared",
    enhancedReview: false,
  },
  {
    name: "a BST-evening 104 that falls on the next UK day after a date-only 106",
    history: { entries: [coded("106", on("2024-06-30")), coded("104", at("2024-06-30T23:30:00Z"))] },
    state: "enhanced-review",
    enhancedReview: true,
  },
  {
    name: "a GMT-evening 106 on the same UK day as a date-only 104",
    history: { entries: [coded("104", on("2024-01-15")), coded("106", at("2024-01-15T23:30:00Z"))] },
    state: "conflict",
    enhancedReview: true,
  },
  {
    name: "a 106 after one 104 instant but tied with a date-only 104 that day",
    history: {
      entries: [
        coded("104", at("2024-05-01T09:00:00Z")),
        coded("106", at("2024-05-01T10:00:00Z")),
        coded("104", on("2024-05-01")),
      ],
    },
    state: "conflict",
    enhancedReview: true,
  },
  // declined
  { name: "a lone 103", history: { entries: [coded("103", on("2023-09-01"))] }, state: "declined", enhancedReview: false },
  {
    name: "a 106 after a 103 does not lift it",
    history: { entries: [coded("103", on("2023-09-01")), coded("106", on("2023-10-01"))] },
    state: "declined",
    enhancedReview: false,
  },
  {
    name: "a 104 before a 103: declined, and the 104 still flags enhanced review",
    history: { entries: [coded("104", on("2023-08-01")), coded("103", on("2023-09-01"))] },
    state: "declined",
    enhancedReview: true,
  },
  {
    name: "a 104 after a 103: declined, with enhanced review",
    history: { entries: [coded("103", on("2023-08-01")), coded("104", on("2023-09-01"))] },
    state: "declined",
    enhancedReview: true,
  },
  {
    name: "a 103 with a 104 lifted by a 106: declined, no enhanced review",
    history: {
      entries: [coded("103", on("2023-07-01")), coded("104", on("2023-08-01")), coded("106", on("2023-09-01"))],
    },
    state: "declined",
    enhancedReview: false,
  },
  {
    name: "a 103 with a tied 104 and 106: declined, with enhanced review",
    history: {
      entries: [coded("103", on("2023-07-01")), coded("104", on("2023-08-01")), coded("106", on("2023-08-01"))],
    },
    state: "declined",
    enhancedReview: true,
  },
  {
    name: "a grant on a later day lifts a 103",
    history: { entries: [coded("103", on("2023-09-01"))], accessGrants: [on("2023-09-02")] },
    state: "default",
    enhancedReview: false,
  },
  {
    name: "a grant instant after a 103 instant on the same day lifts it",
    history: { entries: [coded("103", at("2024-05-01T09:00:00Z"))], accessGrants: [at("2024-05-01T15:00:00Z")] },
    state: "default",
    enhancedReview: false,
  },
  {
    name: "a grant at the same instant as a 103 does not lift it",
    history: { entries: [coded("103", at("2024-05-01T09:00:00Z"))], accessGrants: [at("2024-05-01T09:00:00Z")] },
    state: "declined",
    enhancedReview: false,
  },
  {
    name: "a grant before the 103 does not lift it",
    history: { entries: [coded("103", on("2023-09-01"))], accessGrants: [on("2023-08-01")] },
    state: "declined",
    enhancedReview: false,
  },
  {
    name: "a grant the same day as a date-only 103 does not lift it",
    history: { entries: [coded("103", on("2024-05-01"))], accessGrants: [at("2024-05-01T18:00:00Z")] },
    state: "declined",
    enhancedReview: false,
  },
  {
    name: "a BST-evening grant on the same UK day as a date-only 103, though the previous day in UTC",
    history: { entries: [coded("103", on("2024-07-01"))], accessGrants: [at("2024-06-30T23:30:00Z")] },
    state: "declined",
    enhancedReview: false,
  },
  {
    name: "a BST-evening grant on the UK day after a date-only 103 lifts it",
    history: { entries: [coded("103", on("2024-06-30"))], accessGrants: [at("2024-06-30T23:30:00Z")] },
    state: "default",
    enhancedReview: false,
  },
  {
    name: "a 103 entered again after a grant stands",
    history: {
      entries: [coded("103", on("2023-01-01")), coded("103", on("2023-03-01"))],
      accessGrants: [on("2023-02-01")],
    },
    state: "declined",
    enhancedReview: false,
  },
  {
    name: "a grant after a 103 instant but the same day as another, date-only 103",
    history: {
      entries: [coded("103", at("2024-05-01T09:00:00Z")), coded("103", on("2024-05-01"))],
      accessGrants: [at("2024-05-01T12:00:00Z")],
    },
    state: "declined",
    enhancedReview: false,
  },
  {
    name: "a grant after every 103 lifts them all",
    history: {
      entries: [coded("103", on("2023-01-01")), coded("103", on("2023-03-01"))],
      accessGrants: [on("2023-02-01"), on("2023-04-01")],
    },
    state: "default",
    enhancedReview: false,
  },
  {
    name: "a grant lifts the 103 but not an active 104",
    history: {
      entries: [coded("104", on("2023-08-01")), coded("103", on("2023-09-01"))],
      accessGrants: [on("2023-10-01")],
    },
    state: "enhanced-review",
    enhancedReview: true,
  },
  {
    name: "a grant lifts the 103, leaving a cleared review",
    history: {
      entries: [coded("104", on("2023-08-01")), coded("106", on("2023-08-15")), coded("103", on("2023-09-01"))],
      accessGrants: [on("2023-10-01")],
    },
    state: "review-cleared",
    enhancedReview: false,
  },
  {
    name: "a grant lifts the 103, leaving a conflict",
    history: {
      entries: [coded("104", on("2023-08-01")), coded("106", on("2023-08-01")), coded("103", on("2023-09-01"))],
      accessGrants: [on("2023-10-01")],
    },
    state: "conflict",
    enhancedReview: true,
  },
];

describe("effectiveAccessState", () => {
  it.each(rows)("$name → $state (enhancedReview $enhancedReview)", ({ history, state, enhancedReview }) => {
    expect(effectiveAccessState(history)).toEqual({ state, enhancedReview });
  });

  it("has a row for every state", () => {
    expect(new Set(rows.map((row) => row.state))).toEqual(new Set(ACCESS_STATES));
  });

  describe("enhancedReview in every combination of review history and 103", () => {
    const reviewHistories = {
      none: { entries: [] as CodedEntry[], outcome: "default", flagged: false },
      "104 only": { entries: [coded("104", on("2023-05-01"))], outcome: "enhanced-review", flagged: true },
      "104 lifted by 106": {
        entries: [coded("104", on("2023-05-01")), coded("106", on("2023-05-02"))],
        outcome: "review-cleared",
        flagged: false,
      },
      "106 only": { entries: [coded("106", on("2023-05-02"))], outcome: "review-cleared", flagged: false },
      "104 tied with 106": {
        entries: [coded("104", on("2023-05-01")), coded("106", on("2023-05-01"))],
        outcome: "conflict",
        flagged: true,
      },
      "104 after 106": {
        entries: [coded("106", on("2023-05-01")), coded("104", on("2023-05-02"))],
        outcome: "enhanced-review",
        flagged: true,
      },
    } as const;
    const declines = {
      "no 103": { entries: [] as CodedEntry[], grants: [] as RecordedAt[], declined: false },
      "an active 103": { entries: [coded("103", on("2023-06-01"))], grants: [] as RecordedAt[], declined: true },
      "a 103 lifted by a grant": { entries: [coded("103", on("2023-06-01"))], grants: [on("2023-06-02")], declined: false },
      "a 103 with a same-day grant": {
        entries: [coded("103", on("2023-06-01"))],
        grants: [at("2023-06-01T12:00:00Z")],
        declined: true,
      },
    } as const;
    const combinations = Object.entries(reviewHistories).flatMap(([reviewName, review]) =>
      Object.entries(declines).map(([declineName, decline]) => ({ reviewName, review, declineName, decline })),
    );

    it.each(combinations)("$reviewName with $declineName", ({ review, decline }) => {
      const result = effectiveAccessState({
        entries: [...review.entries, ...decline.entries],
        accessGrants: decline.grants,
      });
      expect(result).toEqual({
        state: decline.declined ? "declined" : review.outcome,
        enhancedReview: review.flagged,
      });
    });
  });

  const dayPool = ["2024-03-30", "2024-03-31", "2024-04-01"];
  const instantPool = [
    "2024-03-30T12:00:00Z",
    "2024-03-30T23:30:00Z",
    "2024-03-31T00:30:00Z",
    "2024-03-31T12:00:00Z",
    "2024-03-31T23:30:00Z",
    "2024-04-01T08:00:00Z",
  ];
  // Small pools so that ties, same-day date-only values and BST evenings are common.
  const recordedAt = fc.oneof(
    fc.constantFrom(...dayPool).map((day) => on(day)),
    fc.constantFrom(...instantPool).map((iso) => at(iso)),
  );
  const entry = fc.record({ code: fc.constantFrom(...CODE_KEYS), recordedAt });
  const historyWithPermutation = fc
    .record({ entries: fc.array(entry, { maxLength: 8 }), accessGrants: fc.array(recordedAt, { maxLength: 3 }) })
    .chain((history) =>
      fc.record({
        history: fc.constant(history),
        shuffledEntries: fc.shuffledSubarray(history.entries, {
          minLength: history.entries.length,
          maxLength: history.entries.length,
        }),
        shuffledGrants: fc.shuffledSubarray(history.accessGrants, {
          minLength: history.accessGrants.length,
          maxLength: history.accessGrants.length,
        }),
      }),
    );

  it("does not depend on the order of entries or grants", () => {
    fc.assert(
      fc.property(historyWithPermutation, ({ history, shuffledEntries, shuffledGrants }) => {
        expect(effectiveAccessState({ entries: shuffledEntries, accessGrants: shuffledGrants })).toEqual(
          effectiveAccessState(history),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("matches 'the latest code wins' when every recording is on a different day", () => {
    const distinctDays = fc.uniqueArray(fc.integer({ min: 1, max: 28 }), { maxLength: 10 }).map((days) =>
      days.map((n) => `2023-02-${String(n).padStart(2, "0")}`),
    );
    const scenario = distinctDays.chain((days) =>
      fc.record({
        days: fc.constant(days),
        kinds: fc.array(fc.constantFrom<CodeKey | "grant">(...CODE_KEYS, "grant"), {
          minLength: days.length,
          maxLength: days.length,
        }),
      }),
    );
    fc.assert(
      fc.property(scenario, ({ days, kinds }) => {
        const events = days.map((day, i) => ({ day, kind: kinds[i]! }));
        const chronological = [...events].sort((a, b) => a.day.localeCompare(b.day));
        const latestOf = (wanted: readonly string[]) =>
          chronological.filter((event) => wanted.includes(event.kind)).at(-1)?.kind;
        const latestReview = latestOf(["104", "106"]);
        const expectedFlag = latestReview === "104";
        const expectedState: AccessState =
          latestOf(["103", "grant"]) === "103"
            ? "declined"
            : latestReview === "104"
              ? "enhanced-review"
              : latestReview === "106"
                ? "review-cleared"
                : "default";

        const result = effectiveAccessState({
          entries: events.flatMap(({ day, kind }) => (kind === "grant" ? [] : [coded(kind, on(day))])),
          accessGrants: events.filter(({ kind }) => kind === "grant").map(({ day }) => on(day)),
        });
        expect(result).toEqual({ state: expectedState, enhancedReview: expectedFlag });
      }),
    );
  });
});

describe("reviewOutcome", () => {
  it("ignores 103s: they are weighed separately", () => {
    expect(reviewOutcome([coded("103", on("2023-01-01"))])).toBe("none");
    expect(reviewOutcome([coded("104", on("2023-01-01")), coded("103", on("2023-02-01"))])).toBe("enhanced-review");
  });
});

describe("had104Since: whether a request's patient had an active 104 at any point since it arrived", () => {
  // The request arrived at 10:00 on 1 May 2024 (UK time); "today" is 20 May.
  const since = at("2024-05-01T09:00:00Z");
  const cases: Array<[string, CodedEntry[], boolean]> = [
    ["a 104 recorded before the request and lifted by a 106 after it", [coded("104", on("2024-04-26")), coded("106", on("2024-05-20"))], true],
    [
      // An import that reached the portal only on 20 May still shows the 104 as recorded on 30 April:
      // the history, not the day it arrived, says the patient had the 104 when they asked.
      "a 104 recorded before the request that an import brought only after it, lifted since",
      [coded("104", at("2024-04-30T08:00:00Z")), coded("106", at("2024-05-20T08:00:00Z"))],
      true,
    ],
    ["a 104 recorded after the request arrived and lifted since", [coded("104", on("2024-05-05")), coded("106", on("2024-05-10"))], true],
    ["a 104 and the 106 that lifted it, both before the request", [coded("104", on("2024-03-01")), coded("106", on("2024-04-01"))], false],
    ["a date-only 104 on the day the request arrived, lifted since", [coded("104", on("2024-05-01")), coded("106", on("2024-05-10"))], true],
    // The 106 may have been recorded after she asked: when unsure, she had the 104.
    ["a 104 recorded before the request, lifted by a date-only 106 on the day it arrived", [coded("104", on("2024-04-26")), coded("106", on("2024-05-01"))], true],
    ["a 104 recorded before the request, lifted by a 106 an hour before it arrived", [coded("104", on("2024-04-26")), coded("106", at("2024-05-01T08:00:00Z"))], false],
    ["a 104 tied with a 106 when the request arrived, lifted since", [coded("104", on("2024-04-01")), coded("106", on("2024-04-01")), coded("106", on("2024-05-10"))], true],
    ["a 104 still active", [coded("104", on("2024-03-01"))], true],
    ["a 106 alone", [coded("106", on("2024-03-01"))], false],
    ["a 103 alone", [coded("103", on("2024-05-05"))], false],
    ["no codes at all", [], false],
  ];
  it.each(cases.map(([name, entries, had]) => ({ name, entries, had })))("$name → $had", ({ entries, had }) => {
    expect(had104Since({ entries }, since)).toBe(had);
  });

  it("counts a date-only request day against a 104 recorded and lifted at any time that day", () => {
    const history = { entries: [coded("104", at("2024-05-01T16:00:00Z")), coded("106", at("2024-05-01T18:00:00Z"))] };
    expect(had104Since(history, on("2024-05-01"))).toBe(true);
    expect(had104Since(history, on("2024-05-02"))).toBe(false);
  });

  const recordedAt = fc.oneof(
    fc.constantFrom("2024-03-30", "2024-03-31", "2024-04-01").map((day) => on(day)),
    fc.constantFrom("2024-03-30T12:00:00Z", "2024-03-30T23:30:00Z", "2024-03-31T00:30:00Z", "2024-03-31T12:00:00Z", "2024-04-01T08:00:00Z").map((iso) => at(iso)),
  );
  const entries = fc.array(fc.record({ code: fc.constantFrom(...CODE_KEYS), recordedAt }), { maxLength: 8 });

  it("is true whenever a 104 was active when the request arrived (as the history now shows it) or is active now", () => {
    fc.assert(
      fc.property(entries, recordedAt, (history, when) => {
        const upToThen = history.filter((entry) => compareRecorded(entry.recordedAt, when) <= 0);
        const activeThen = effectiveAccessState({ entries: upToThen }).enhancedReview;
        const activeNow = effectiveAccessState({ entries: history }).enhancedReview;
        if (activeThen || activeNow) expect(had104Since({ entries: history }, when)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("is false for a history without a 104", () => {
    fc.assert(
      fc.property(entries, recordedAt, (history, when) => {
        expect(had104Since({ entries: history.filter((entry) => entry.code !== "104") }, when)).toBe(false);
      }),
    );
  });
});
