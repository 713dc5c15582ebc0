import { describe, expect, it } from "vitest";
import { compareIdentity, matchIdentity, normaliseName, type ClaimedIdentity, type ListedPatient } from "../../../app/domain/identity-match";

const patient: ListedPatient = {
  id: "p1",
  nhsNumber: "9434765919",
  givenName: "Siobhán",
  familyName: "O'Brien-Smith",
  dateOfBirth: "1984-03-15",
  postcode: "LS1 4AP",
};
const claim: ClaimedIdentity = {
  nhsNumber: "9434765919",
  givenName: "Siobhan",
  familyName: "obrien smith",
  dateOfBirth: "1984-03-15",
  postcode: "ls14ap",
};

describe("matchIdentity", () => {
  it("matches fully on NHS number, date of birth, family name and postcode", () => {
    expect(matchIdentity(claim, [patient])).toEqual({ kind: "full", patientId: "p1" });
  });

  it("matches fully without an NHS number when the other details agree", () => {
    expect(matchIdentity({ ...claim, nhsNumber: null }, [patient])).toEqual({ kind: "full", patientId: "p1" });
  });

  it("is partial when the postcode differs, and says why", () => {
    const result = matchIdentity({ ...claim, postcode: "M1 1AA" }, [patient]);
    expect(result).toEqual({ kind: "partial", candidateIds: ["p1"], reasons: ["The postcode did not match."] });
  });

  it("is never full when an NHS number is given but wrong", () => {
    const result = matchIdentity({ ...claim, nhsNumber: "9999999999" }, [patient]);
    expect(result.kind).toBe("partial");
    if (result.kind === "partial") expect(result.reasons).toEqual(["The NHS number did not match."]);
  });

  it("is partial, not full, when two patients share every detail", () => {
    const twin = { ...patient, id: "p2", nhsNumber: "4010232137" };
    const result = matchIdentity({ ...claim, nhsNumber: null }, [patient, twin]);
    expect(result.kind).toBe("partial");
    if (result.kind === "partial") {
      expect(result.candidateIds).toEqual(["p1", "p2"]);
      expect(result.reasons).toContain("More than one patient has these details.");
    }
  });

  it("is none when nobody agrees on enough", () => {
    expect(matchIdentity({ ...claim, nhsNumber: null, familyName: "Jones", postcode: "M1 1AA" }, [patient])).toEqual({ kind: "none" });
    expect(matchIdentity(claim, [])).toEqual({ kind: "none" });
  });
});

describe("normaliseName", () => {
  it.each([
    ["O'Brien", "obrien"],
    ["Zoë", "zoe"],
    ["  Smith-Jones ", "smithjones"],
    ["MACDONALD", "macdonald"],
    ["d\u2019Arcy", "darcy"],
  ])("%s → %s", (input, expected) => {
    expect(normaliseName(input)).toBe(expected);
  });
});

describe("compareIdentity", () => {
  it("says field by field what agrees, what differs and what was not given", () => {
    expect(compareIdentity({ ...claim, nhsNumber: null, postcode: "M1 1AA" }, patient)).toEqual({
      nhsNumber: "not-given",
      dateOfBirth: "agrees",
      familyName: "agrees",
      postcode: "differs",
    });
  });

  it("treats a patient with no postcode on record as differing", () => {
    expect(compareIdentity(claim, { ...patient, postcode: null }).postcode).toBe("differs");
  });
});
