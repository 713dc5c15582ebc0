import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { readSessionToken } from "../auth/session-cookie.server";
import { Button } from "../components/forms";
import { MainContent } from "../components/page-chrome";
import { roleNames } from "../content/staff";
import { practicesToChoose, switchPractice } from "../services/staff-session.server";

export const handle = { title: "Choose a practice" };

export async function loader({ request }: LoaderFunctionArgs) {
  const memberships = await practicesToChoose(await readSessionToken(request));
  if (!memberships) throw redirect("/staff/sign-in");
  return { memberships };
}

// Acting for another practice is always an explicit, audited choice.
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const switched = await switchPractice(await readSessionToken(request), String(form.get("odsCode") ?? ""));
  if (!switched) throw new Response("You do not work for that practice.", { status: 403 });
  return redirect("/staff");
}

export default function ChoosePracticePage() {
  const { memberships } = useLoaderData<typeof loader>();
  return (
    <MainContent>
      <h1>Choose a practice</h1>
      <p>You work for more than one practice. Choose the one you are working for now.</p>
      {memberships.map((m) => (
        <Form method="post" key={m.odsCode} className="nhsuk-u-margin-bottom-3">
          <input type="hidden" name="odsCode" value={m.odsCode} />
          <Button variant="secondary">
            {m.practiceName} ({m.odsCode}), {roleNames[m.role]}
          </Button>
        </Form>
      ))}
    </MainContent>
  );
}
