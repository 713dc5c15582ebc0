import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { readSessionToken } from "../auth/session-cookie.server";
import { Button, NotificationBanner } from "../components/forms";
import { MainContent } from "../components/page-chrome";
import { roleNames, staffContent } from "../content/staff";
import { practicesToChoose, switchPractice } from "../services/staff-session.server";

export const handle = { title: "Choose a practice" };

export async function loader({ request }: LoaderFunctionArgs) {
  const memberships = await practicesToChoose(await readSessionToken(request));
  if (!memberships) throw redirect("/staff/sign-in");
  // Just accepted an invitation: named only if it is among their own practices.
  const joinedOds = new URL(request.url).searchParams.get("joined");
  const joined = memberships.find((m) => m.odsCode === joinedOds)?.practiceName ?? null;
  return { memberships, joined };
}

// Acting for another practice is always an explicit, audited choice.
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const switched = await switchPractice(await readSessionToken(request), String(form.get("odsCode") ?? ""));
  if (!switched) throw new Response("You do not work for that practice.", { status: 403 });
  return redirect("/staff");
}

export default function ChoosePracticePage() {
  const { memberships, joined } = useLoaderData<typeof loader>();
  return (
    <MainContent>
      {joined ? (
        <NotificationBanner success>
          <p className="nhsuk-notification-banner__heading">{staffContent.invitation.joined(joined)}</p>
        </NotificationBanner>
      ) : null}
      <h1>Choose a practice</h1>
      <p>
        {memberships.length > 1
          ? "You work for more than one practice. Choose the one you are working for now."
          : "Choose the practice you are working for now."}
      </p>
      {memberships.map((m) => (
        <Form method="post" key={m.odsCode} className="nhsuk-u-margin-bottom-3">
          <input type="hidden" name="odsCode" value={m.odsCode} />
          <Button variant="secondary">
            {`${m.practiceName} (${m.odsCode}), ${roleNames[m.role]}`}
          </Button>
        </Form>
      ))}
    </MainContent>
  );
}
