import { redirect } from "@remix-run/node";
import { can, type Permission } from "../domain/permissions";
import { lookUpSession, recordAccessDenied, type StaffContext } from "../services/staff-session.server";
import { isFromAnotherSite } from "./same-origin";
import { clearSessionCookieHeader, readSessionToken } from "./session-cookie.server";

export interface StaffGuardOptions {
  /**
   * The loader records an audit event in the person's name ("patient viewed",
   * "searched", an export). A link on another website must not make one: it
   * lands on a page that asks the person to carry on (/staff/continue).
   */
  writesAudit?: boolean;
}

/**
 * Every staff loader and action starts here: who is acting, for which
 * practice, and may their role do this? Not signed in: to the sign-in page.
 * Not allowed: 403, and the attempt is audited.
 */
export async function requireStaff(request: Request, permission?: Permission, options: StaffGuardOptions = {}): Promise<StaffContext> {
  // The session cookie goes along with a top-level link from another site
  // (SameSite=Lax), so a navigation that began there acts for nobody.
  const fromAnotherSite = (request.method === "GET" || request.method === "HEAD") && isFromAnotherSite(request.headers.get("sec-fetch-site"));
  if (fromAnotherSite && options.writesAudit) {
    const url = new URL(request.url);
    throw redirect(`/staff/continue?to=${encodeURIComponent(url.pathname + url.search)}`);
  }
  const lookup = await lookUpSession(await readSessionToken(request));
  if (lookup.kind === "signed-out") {
    const url = new URL(request.url);
    const returnTo = request.method === "GET" ? `?returnTo=${encodeURIComponent(url.pathname + url.search)}` : "";
    throw redirect(`/staff/sign-in${returnTo}`, { headers: { "Set-Cookie": await clearSessionCookieHeader() } });
  }
  if (lookup.kind === "choose-practice") throw redirect("/staff/practice");
  const { context } = lookup;
  if (permission && !can(context.role, permission)) {
    // A refusal is recorded only for what the person asked for themselves.
    if (!fromAnotherSite) await recordAccessDenied(context, permission, new URL(request.url).pathname);
    throw new Response("You do not have permission to do this.", { status: 403 });
  }
  return context;
}

/** Only local staff paths, so a crafted link cannot send someone elsewhere. */
export function safeReturnTo(value: string | null): string {
  return value && /^\/staff(\/|$|\?)/.test(value) && !value.startsWith("//") ? value : "/staff";
}
