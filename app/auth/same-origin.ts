// Cross-site request forgery protection without tokens: browsers say where a
// request came from (Sec-Fetch-Site, Origin), and every state-changing
// request must come from the portal's own pages. GET never changes state.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface RequestOriginHeaders {
  method: string;
  /** The portal's own host and port, as this request reached it. */
  host: string | undefined;
  /** The portal's own scheme for this request, "http" or "https" (Express's req.protocol). */
  protocol: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
}

export function isAllowedOrigin(request: RequestOriginHeaders): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return true;
  if (request.secFetchSite) return request.secFetchSite === "same-origin";
  if (!request.origin || !request.host || request.origin === "null") return false;
  try {
    const origin = new URL(request.origin);
    // An origin is scheme, host and port: a page at http://host is not the portal at https://host.
    return origin.host === request.host && origin.protocol === `${request.protocol}:`;
  } catch {
    return false;
  }
}

/**
 * A navigation that began on another website (a link in an email, or on a
 * page someone else controls). Browsers send the session cookie with it
 * (SameSite=Lax), so it must not do anything in the person's name.
 */
export function isFromAnotherSite(secFetchSite: string | null | undefined): boolean {
  return secFetchSite === "cross-site" || secFetchSite === "same-site";
}
