import { describe, expect, it } from "vitest";
import { checkPassword, MIN_PASSWORD_LENGTH } from "../../../app/domain/password-policy";

const context = {
  commonPasswords: new Set(["password1234", "qwertyuiopasdf", "liverpool"]),
  contextWords: ["Riverside Medical Practice", "rhian.reception@riverside.example"],
};

describe("checkPassword", () => {
  it.each([
    ["tomato lantern orbit canal", null],
    ["x".repeat(MIN_PASSWORD_LENGTH - 1), "too-short"],
    ["x".repeat(257), "too-long"],
    ["password1234", "common"],
    ["PASSWORD1234", "common"],
    ["Liverpool!!!2024", "common"], // a common word dressed up with digits and symbols
    ["Riverside2024!!", "context"],
    ["riverside medical", "context"],
    ["rhian.reception1", "context"],
    ["riverside is where my favourite walk ends", null], // a long phrase that merely mentions it
  ])("%j → %s", (password, problem) => {
    expect(checkPassword(password, context)).toBe(problem);
  });

  it("counts characters, not bytes, for length", () => {
    expect(checkPassword("ŷŵŷŵŷŵŷŵŷŵŷŵ", context)).toBeNull();
  });
});
