import { describe, expect, it } from "vitest";
import { classifySendFailure, retryDelayMs } from "../../../app/domain/outbox";

describe("retryDelayMs", () => {
  const policy = { baseMs: 1000, maxMs: 30_000, maxAttempts: 8 };
  it("doubles after each failed attempt, up to the ceiling", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, policy))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });
  it("never overflows for a very large attempt count", () => {
    expect(retryDelayMs(10_000, policy)).toBe(30_000);
  });
});

describe("classifySendFailure", () => {
  it("treats a 5xx refusal of the message as permanent", () => {
    const failure = classifySendFailure({ responseCode: 550, response: "550 5.1.1 No such user", command: "RCPT TO" });
    expect(failure.kind).toBe("permanent");
    expect(failure.reason).toContain("550");
    expect(failure.reason).toContain("No such user");
  });
  it("retries a 4xx", () => {
    expect(classifySendFailure({ responseCode: 451, response: "451 Try again later", command: "DATA" }).kind).toBe("temporary");
  });
  it("retries a 5xx about the connection or our credentials: it is not this message's fault", () => {
    expect(classifySendFailure({ responseCode: 535, response: "535 Authentication failed", command: "AUTH PLAIN" }).kind).toBe("temporary");
    expect(classifySendFailure({ responseCode: 554, response: "554 No service", command: "CONN" }).kind).toBe("temporary");
  });
  it("retries when the server could not be reached", () => {
    const failure = classifySendFailure(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:2525"), { code: "ECONNECTION" }));
    expect(failure.kind).toBe("temporary");
    expect(failure.reason).toContain("ECONNECTION");
  });
});
