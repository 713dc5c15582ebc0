import { describe, expect, it } from "vitest";
import { parseEnv } from "../../../app/env.server";

const parse = (variables: Record<string, string>) => parseEnv(variables as NodeJS.ProcessEnv);

describe("TRUST_PROXY", () => {
  it("is 0 unless set: with nothing in front, X-Forwarded-* are the client's own words", () => {
    expect(parse({}).trustProxy).toBe(0);
    expect(parse({ TRUST_PROXY: "" }).trustProxy).toBe(0);
  });

  it("is the number of proxies in front", () => {
    expect(parse({ TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(parse({ TRUST_PROXY: "2" }).trustProxy).toBe(2);
  });

  it.each(["true", "-1", "1.5", "loopback", "100"])("refuses %s with one sentence naming it", (value) => {
    expect(() => parse({ TRUST_PROXY: value })).toThrow("TRUST_PROXY must be the number of proxies in front of the portal, 0 if none.");
  });
});
