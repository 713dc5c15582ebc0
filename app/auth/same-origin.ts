// Cross-site request forgery protection without tokens: browsers say where a
// request came from (Sec-Fetch-Site, Origin), and every state-changing
// request must come from the portal's own pages. GET never changes state.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface RequestOriginHeaders {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
}

export function isAllowedOrigin(request: RequestOriginHeaders): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return true;
  if (request.secFetchSite) return request.secFetchSite === "same-origin";
  if (!request.origin || !request.host || request.origin === "null") return false;
  try {
    return new URL(request.origin).host === request.host;
  } catch {
    return false;
  }
}
