import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { receivedBeforeFor, waitingDays } from "../../../app/domain/review-queue";
import { parseStaffSearch } from "../../../app/domain/staff-search";

describe("parseStaffSearch", () => {
  it.each([
    ["943 476 5919", { kind: "nhs-number", digits: "9434765919" }],
    ["943-476-5919", { kind: "nhs-number", digits: "9434765919" }],
    ["rq-7k3f-9qx2", { kind: "reference", reference: "RQ-7K3F-9QX2" }],
    ["Smith", { kind: "name", words: ["smith"], dateOfBirth: null }],
    ["Zoë O'Brien-Smith", { kind: "name", words: ["zoe", "obrien", "smith"], dateOfBirth: null }],
    ["smith 14/03/1950", { kind: "name", words: ["smith"], dateOfBirth: "1950-03-14" }],
    ["1950-03-14, Ann Smith", { kind: "name", words: ["ann", "smith"], dateOfBirth: "1950-03-14" }],
    ["smith 4-3-1950", { kind: "name", words: ["smith"], dateOfBirth: "1950-03-04" }],
  ])("reads %j", (input, search) => {
    expect(parseStaffSearch(input)).toEqual({ ok: true, search });
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["12345", "digits"],
    ["943 476 59190", "digits"],
    ["smith 31/02/1950", "date"],
    ["14/03/1950", "no-name"],
    ["%%%", "no-name"],
    ["a".repeat(101), "too-long"],
  ])("refuses %j as %s", (input, problem) => {
    expect(parseStaffSearch(input)).toEqual({ ok: false, problem });
  });

  it("never lets SQL wildcards or quotes through in a name", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (input) => {
        const parsed = parseStaffSearch(input);
        if (parsed.ok && parsed.search.kind === "name") {
          for (const word of parsed.search.words) expect(word).toMatch(/^[\p{L}\p{N}]+$/u);
        }
      }),
    );
  });
});

describe("the queue's waiting filter", () => {
  const now = new Date("2026-11-21T12:00:00Z");
  it("keeps exactly the requests the queue shows as waiting more than the days", () => {
    for (const filter of ["2", "7", "28"] as const) {
      const cutoff = receivedBeforeFor(filter, 14, now);
      expect(waitingDays(cutoff, now)).toBe(Number(filter) + 1);
      expect(waitingDays(new Date(cutoff.getTime() + 1), now)).toBe(Number(filter));
    }
  });

  it("uses the practice's own target", () => {
    expect(waitingDays(receivedBeforeFor("target", 10, now), now)).toBe(11);
  });
});
