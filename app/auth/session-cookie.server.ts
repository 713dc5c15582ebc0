import { createCookie } from "@remix-run/node";
import { getEnv } from "../env.server";

// The cookie carries only the random session token; everything else is in
// the staff_sessions row. Served over HTTPS (PUBLIC_URL https://…), it is a
// __Host- cookie: Secure, no Domain, Path=/.
const production = () => getEnv().secureCookies;

function cookie() {
  return createCookie(production() ? "__Host-staff-session" : "staff-session", {
    httpOnly: true,
    sameSite: "lax",
    secure: production(),
    path: "/",
  });
}

export async function readSessionToken(request: Request): Promise<string | null> {
  const value: unknown = await cookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

export function sessionCookieHeader(token: string): Promise<string> {
  return cookie().serialize(token);
}

export function clearSessionCookieHeader(): Promise<string> {
  return cookie().serialize("", { maxAge: 0 });
}
