import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { requestErrors as m } from "../../../app/content/requests";
import {
  claimFromAnswers,
  dateOfBirthSchema,
  detailsSchema,
  isRequestReference,
  parseDateOfBirth,
  questionAnswersToStore,
  questionsSchema,
  safeContactSchema,
  REFERENCE_ALPHABET,
  referenceFromBytes,
} from "../../../app/domain/request-forms";

const today = "2026-11-21";
const details = {
  givenName: "Ann",
  familyName: "O'Brien",
  dateOfBirthDay: "15",
  dateOfBirthMonth: "3",
  dateOfBirthYear: "1984",
  postcode: "ls1 4ap",
  nhsNumber: "943 476 5919",
  email: "Ann@Example.COM",
  mobile: "",
};

function errorsOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return Object.fromEntries((result.error?.issues ?? []).map((i) => [String(i.path[0]), i.message]));
}

describe("detailsSchema", () => {
  it("accepts and normalises a patient's details", () => {
    const result = detailsSchema(m, today).safeParse(details);
    expect(result.success && result.data).toEqual({
      givenName: "Ann",
      familyName: "O'Brien",
      dateOfBirth: "1984-03-15",
      postcode: "LS1 4AP",
      nhsNumber: "9434765919",
      email: "Ann@example.com",
      mobile: null,
    });
  });

  it("allows no NHS number, but refuses one that fails the check digit", () => {
    expect(detailsSchema(m, today).safeParse({ ...details, nhsNumber: "" }).success).toBe(true);
    expect(errorsOf(detailsSchema(m, today).safeParse({ ...details, nhsNumber: "943 476 5910" }))).toEqual({ nhsNumber: m.nhsNumberInvalid });
  });

  it("needs at least one way to reach the patient", () => {
    expect(errorsOf(detailsSchema(m, today).safeParse({ ...details, email: "", mobile: "" }))).toEqual({ email: m.contactMissing });
    expect(detailsSchema(m, today).safeParse({ ...details, email: "", mobile: "07700 900982" }).success).toBe(true);
  });

  it("reports every problem at once, each against its field", () => {
    const result = detailsSchema(m, today).safeParse({});
    expect(errorsOf(result)).toEqual({
      givenName: m.givenName,
      familyName: m.familyName,
      dateOfBirth: m.dateOfBirthMissing,
      postcode: m.postcodeMissing,
      email: m.contactMissing,
    });
  });

  it("refuses a bad postcode, email and mobile", () => {
    const result = detailsSchema(m, today).safeParse({ ...details, postcode: "nowhere", email: "a@b", mobile: "12345" });
    expect(errorsOf(result)).toEqual({ postcode: m.postcodeInvalid, email: m.emailInvalid, mobile: m.mobileInvalid });
  });
});

describe("parseDateOfBirth", () => {
  it.each([
    [{ day: "29", month: "2", year: "2000" }, { ok: true, value: "2000-02-29" }],
    [{ day: "29", month: "2", year: "2001" }, { ok: false, problem: "invalid" }],
    [{ day: "", month: "2", year: "2001" }, { ok: false, problem: "missing" }],
    [{ day: "1", month: "1", year: "1899" }, { ok: false, problem: "invalid" }],
    [{ day: "22", month: "11", year: "2026" }, { ok: false, problem: "future" }],
    [{ day: "21", month: "11", year: "2026" }, { ok: true, value: "2026-11-21" }],
    [{ day: "1e1", month: "1", year: "2000" }, { ok: false, problem: "invalid" }],
  ])("%j → %j", (parts, expected) => {
    expect(parseDateOfBirth(parts, today)).toEqual(expected);
  });

  it("the personal-link schema puts its error on dateOfBirth", () => {
    expect(errorsOf(dateOfBirthSchema(m, today).safeParse({ dateOfBirthDay: "31", dateOfBirthMonth: "4", dateOfBirthYear: "1990" }))).toEqual({
      dateOfBirth: m.dateOfBirthInvalid,
    });
  });
});

describe("questionsSchema", () => {
  it("opt-out needs a choice of what to keep", () => {
    expect(errorsOf(questionsSchema("opt-out", m).safeParse({}))).toEqual({ optOutScope: m.optOutScope });
    expect(questionsSchema("opt-out", m).safeParse({ optOutScope: "keep-appointments-and-prescriptions" }).success).toBe(true);
  });

  it("opt-in needs all three declarations and a safe way and time", () => {
    expect(errorsOf(questionsSchema("opt-in", m).safeParse({ declarationUpsetting: "yes", contactTime: "  " }))).toEqual({
      declarationLoginSafe: m.declarationLoginSafe,
      declarationTellPractice: m.declarationTellPractice,
      contactWay: m.contactWay,
      contactTime: m.contactTime,
    });
    const all = { declarationUpsetting: "yes", declarationLoginSafe: "yes", declarationTellPractice: "yes", contactWay: "letter", contactTime: "Mornings" };
    expect(questionsSchema("opt-in", m).safeParse(all).success).toBe(true);
  });

  const optIn = { declarationUpsetting: "yes", declarationLoginSafe: "yes", declarationTellPractice: "yes", contactTime: "Weekday mornings" };

  it("opt-in asks for the number only when the phone is the safe way", () => {
    expect(errorsOf(questionsSchema("opt-in", m).safeParse({ ...optIn, contactWay: "phone" }))).toEqual({ contactPhone: m.contactPhoneMissing });
    expect(errorsOf(questionsSchema("opt-in", m).safeParse({ ...optIn, contactWay: "phone", contactPhone: "   " }))).toEqual({ contactPhone: m.contactPhoneMissing });
    expect(errorsOf(questionsSchema("opt-in", m).safeParse({ ...optIn, contactWay: "phone", contactPhone: "0800 123 4567" }))).toEqual({ contactPhone: m.contactPhoneInvalid });
    const byPhone = questionsSchema("opt-in", m).safeParse({ ...optIn, contactWay: "phone", contactPhone: "(0113) 496-0000" });
    expect(byPhone.success && byPhone.data).toMatchObject({ contactWay: "phone", contactPhone: "+441134960000", contactTime: "Weekday mornings" });
    // A number typed before choosing another way is neither checked nor kept.
    const byLetter = questionsSchema("opt-in", m).safeParse({ ...optIn, contactWay: "letter", contactPhone: "not a number" });
    expect(byLetter.success && byLetter.data).not.toHaveProperty("contactPhone");
  });

  it("opt-in reports every problem in one pass, the number's with the rest", () => {
    expect(errorsOf(questionsSchema("opt-in", m).safeParse({ contactWay: "phone", contactPhone: "12345" }))).toEqual({
      declarationUpsetting: m.declarationUpsetting,
      declarationLoginSafe: m.declarationLoginSafe,
      declarationTellPractice: m.declarationTellPractice,
      contactPhone: m.contactPhoneInvalid,
      contactTime: m.contactTime,
    });
    expect(errorsOf(questionsSchema("opt-in", m).safeParse({ ...optIn, contactWay: "pigeon", contactTime: "x".repeat(201) }))).toEqual({
      contactWay: m.contactWay,
      contactTime: m.tooLong,
    });
  });

  it("withdrawing needs the confirmation ticked", () => {
    expect(errorsOf(questionsSchema("withdraw-opt-out", m).safeParse({}))).toEqual({ withdrawConfirm: m.withdrawConfirm });
    expect(questionsSchema("withdraw-opt-out", m).safeParse({ withdrawConfirm: "yes" }).success).toBe(true);
  });
});

describe("safeContactSchema", () => {
  const staffWords = { contactWay: "way", contactPhoneMissing: "missing", contactPhoneInvalid: "invalid", contactTime: "time", tooLong: "long" };

  it("checks the safe-contact questions alone, in the words it is given", () => {
    expect(errorsOf(safeContactSchema(staffWords).safeParse({}))).toEqual({ contactWay: "way", contactTime: "time" });
    expect(errorsOf(safeContactSchema(staffWords).safeParse({ contactWay: "phone", contactTime: "Any time" }))).toEqual({ contactPhone: "missing" });
    expect(safeContactSchema(staffWords).safeParse({ contactWay: "phone", contactPhone: "+44 (0)7700 900123", contactTime: " Any time " }).data).toEqual({
      contactWay: "phone",
      contactPhone: "+447700900123",
      contactTime: "Any time",
    });
    expect(safeContactSchema(staffWords).safeParse({ contactWay: "email", contactPhone: "07700 900123", contactTime: "Any time" }).data).toEqual({
      contactWay: "email",
      contactTime: "Any time",
    });
  });
});

describe("questionAnswersToStore", () => {
  it("keeps every answer as typed but the safe number, stored as E.164 and only when it is the safe way", () => {
    const typed = { givenName: "Ann", contactWay: "phone", contactPhone: "0113 496 0000", contactTime: "Mornings" };
    expect(questionAnswersToStore(typed, { contactWay: "phone", contactPhone: "+441134960000" })).toEqual({ ...typed, contactPhone: "+441134960000" });
    expect(questionAnswersToStore({ ...typed, contactWay: "email" }, { contactWay: "email" })).toEqual({ givenName: "Ann", contactWay: "email", contactTime: "Mornings" });
  });
});

describe("references", () => {
  it("look like RQ-7K3F-9QX2 and never use 0, O, 1 or I", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (bytes) => {
        const ref = referenceFromBytes(bytes);
        expect(isRequestReference(ref)).toBe(true);
        expect(ref.slice(3)).not.toMatch(/[0O1I]/);
      }),
    );
    expect(REFERENCE_ALPHABET).toHaveLength(32);
    expect(isRequestReference("RQ-0000-AAAA")).toBe(false);
  });
});

describe("claimFromAnswers", () => {
  it("reads back the identity claimed on the online form, as typed", () => {
    expect(claimFromAnswers({ givenName: "Ann", familyName: "O'Brien", dateOfBirthDay: "5", dateOfBirthMonth: "3", dateOfBirthYear: "1984", postcode: "ls1 4ap", nhsNumber: "943 476 5919" })).toEqual({
      givenName: "Ann",
      familyName: "O'Brien",
      dateOfBirth: "1984-03-05",
      postcode: "ls1 4ap",
      nhsNumber: "9434765919",
    });
  });

  it("leaves out an NHS number that was not given or not valid", () => {
    expect(claimFromAnswers({ familyName: "Lee", dateOfBirthDay: "1", dateOfBirthMonth: "1", dateOfBirthYear: "1990", nhsNumber: "" })?.nhsNumber).toBeNull();
    expect(claimFromAnswers({ familyName: "Lee", dateOfBirthDay: "1", dateOfBirthMonth: "1", dateOfBirthYear: "1990", nhsNumber: "1234567890" })?.nhsNumber).toBeNull();
  });

  it("is null for answers that claim no identity (a personal link, or a request staff entered)", () => {
    expect(claimFromAnswers({ optOutScope: "no-online-access" })).toBeNull();
    expect(claimFromAnswers({ identityCheck: "photo-id", notes: "Rang in" })).toBeNull();
  });
});
