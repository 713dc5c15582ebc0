import { describe, expect, it } from "vitest";
import { isAllowedOrigin, isFromAnotherSite } from "../../../app/auth/same-origin";

const post = (headers: { origin?: string; secFetchSite?: string; host?: string; protocol?: string }) =>
  isAllowedOrigin({
    method: "POST",
    host: headers.host ?? "portal.example.nhs.uk",
    protocol: headers.protocol ?? "https",
    origin: headers.origin,
    secFetchSite: headers.secFetchSite,
  });

describe("isAllowedOrigin", () => {
  it("lets any GET through: GET never changes state", () => {
    expect(isAllowedOrigin({ method: "GET", host: "a", protocol: "https", origin: "https://evil.example", secFetchSite: "cross-site" })).toBe(true);
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

  it.each([
    // The scheme is part of the origin: a plain-HTTP page on the same host is another origin.
    [{ origin: "http://portal.example.nhs.uk", protocol: "https" }, false],
    [{ origin: "https://portal.example.nhs.uk", protocol: "http" }, false],
    [{ origin: "http://portal.example.nhs.uk", protocol: "http" }, true],
    [{ origin: "http://localhost:3000", host: "localhost:3000", protocol: "http" }, true],
    [{ origin: "http://localhost:3001", host: "localhost:3000", protocol: "http" }, false],
    [{ origin: "ftp://portal.example.nhs.uk", protocol: "https" }, false],
  ])("POST with %j compares scheme, host and port → %s", (headers, allowed) => {
    expect(post(headers)).toBe(allowed);
  });
});

describe("isFromAnotherSite", () => {
  it.each([
    ["cross-site", true],
    ["same-site", true],
    ["same-origin", false],
    // Typed in, a bookmark, or a browser too old to say: nothing to go on.
    ["none", false],
    [null, false],
    [undefined, false],
  ])("Sec-Fetch-Site %s → %s", (value, expected) => {
    expect(isFromAnotherSite(value)).toBe(expected);
  });
});
