import { describe, expect, it } from "vitest";
import { isValidNhsNumber } from "../../../app/domain/nhs-number";
import { parsePostcode } from "../../../app/domain/postcode";
import { BULK_104_DATE, syntheticPatients } from "../../../app/domain/synthetic-patients";

describe("syntheticPatients", () => {
  it("gives the same list for the same options", () => {
    expect(syntheticPatients({ seed: "Y90001", count: 300 })).toEqual(syntheticPatients({ seed: "Y90001", count: 300 }));
  });

  it("gives another practice other NHS numbers", () => {
    const a = new Set(syntheticPatients({ seed: "Y90001", count: 300 }).map((p) => p.nhsNumber));
    const b = syntheticPatients({ seed: "A81001", count: 300 }).map((p) => p.nhsNumber);
    expect(b.filter((n) => a.has(n))).toHaveLength(0);
  });

  it("uses only valid, unique NHS numbers from the 999 test range, even for a large list", () => {
    const list = syntheticPatients({ seed: "Y90001", count: 100_000 });
    const numbers = list.map((p) => p.nhsNumber);
    expect(new Set(numbers).size).toBe(100_000);
    expect(numbers.every((n) => n.startsWith("999") && isValidNhsNumber(n))).toBe(true);
  });

  it("gives every patient a well-formed postcode and a past date of birth", () => {
    for (const p of syntheticPatients({ seed: "Y90001", count: 1000 })) {
      expect(parsePostcode(p.postcode)).toEqual({ ok: true, value: p.postcode });
      expect(p.dateOfBirth < "2025-01-01").toBe(true);
    }
  });

  it("with bulk104 codes most of the list with a 104 on one date", () => {
    const list = syntheticPatients({ seed: "Y90001", count: 1000, bulk104: true });
    const bulk = list.filter((p) => p.codes.some((c) => c.code === "104" && c.recordedOn === BULK_104_DATE));
    expect(bulk.length / list.length).toBeGreaterThan(0.6);
  });
});
