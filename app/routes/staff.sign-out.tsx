import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireStaff } from "../auth/guard.server";
import { clearSessionCookieHeader, readSessionToken } from "../auth/session-cookie.server";
import { signOut, signOutEverywhere } from "../services/staff-session.server";

// Signing out changes state, so it is a POST; a GET just goes home.
export const loader = () => redirect("/staff");

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  if (form.get("scope") === "everywhere") await signOutEverywhere(await requireStaff(request));
  else await signOut(await readSessionToken(request));
  return redirect("/staff/sign-in?signed-out", { headers: { "Set-Cookie": await clearSessionCookieHeader() } });
}
