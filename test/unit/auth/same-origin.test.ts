import { describe, expect, it } from "vitest";
import { isAllowedOrigin } from "../../../app/auth/same-origin";

const post = (headers: { origin?: string; secFetchSite?: string; host?: string }) =>
  isAllowedOrigin({ method: "POST", host: headers.host ?? "portal.example.nhs.uk", origin: headers.origin, secFetchSite: headers.secFetchSite });

describe("isAllowedOrigin", () => {
  it("lets any GET through: GET never changes state", () => {
    expect(isAllowedOrigin({ method: "GET", host: "a", origin: "https://evil.example", secFetchSite: "cross-site" })).toBe(true);
  });

  it.each([
    [{ secFetchSite: "same-origin" }, true],
    [{ secFetchSite: "same-origin", origin: "https://portal.example.nhs.uk" }, true],
    [{ origin: "https://portal.example.nhs.uk" }, true],
    [{ secFetchSite: "cross-site", origin: "https://portal.example.nhs.uk" }, false],
    [{ secFetchSite: "same-site" }, false],
    [{ secFetchSite: "none" }, false],
    [{ origin: "https://evil.example" }, false],
    [{ origin: "https://portal.example.nhs.uk.evil.example" }, false],
    [{ origin: "null" }, false],
    [{}, false],
  ])("POST with %j → %s", (headers, allowed) => {
    expect(post(headers)).toBe(allowed);
  });
});
