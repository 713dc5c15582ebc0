import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { readSessionToken, sessionCookieHeader } from "../auth/session-cookie.server";
import { Button, ErrorSummary, errorList, firstError, TextInput } from "../components/forms";
import { MainContent } from "../components/page-chrome";
import { roleInSentence, staffContent } from "../content/staff";
import { formError, parseForm } from "../http/form.server";
import { answerInvitation, completeSetup, lookUpSetupLink, type SetupLink } from "../services/staff-setup.server";

// An emailed one-time link: to set up an account (new, or after a manager's reset), or, for
// someone who already has one, to accept or decline an invitation once signed in.

const content = staffContent.setUp;
const invitation = staffContent.invitation;

type LoaderData = { link: SetupLink; signInHref: string };
type ActionData = { declined: string } | undefined;

function titleOf(link: SetupLink, declined: string | undefined): string {
  if (declined) return invitation.declinedTitle;
  if (link.kind === "expired") return content.expiredTitle;
  if (link.kind === "set-up") return link.purpose === "reset" ? content.resetTitle : content.title;
  return link.viewer === "someone-else" ? invitation.someoneElseTitle : invitation.title(link.practiceName);
}

export const handle = {
  title: (loaderData: LoaderData, actionData: ActionData) =>
    titleOf(loaderData.link, actionData && "declined" in actionData ? actionData.declined : undefined),
};

const setUpSchema = z.object({
  password: z.string().min(1, { error: staffContent.passwordProblems["too-short"] }),
  confirmPassword: z.string(),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const link = await lookUpSetupLink(params.token ?? "", await readSessionToken(request));
  const signInHref = `/staff/sign-in?returnTo=${encodeURIComponent(new URL(request.url).pathname)}`;
  // Another person's invitation, open in this person's browser: refused, and nothing done.
  const status = link.kind === "accept" && link.viewer === "someone-else" ? 403 : 200;
  return data<LoaderData>({ link, signInHref }, { status });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const here = new URL(request.url).pathname;
  const intent = (await request.clone().formData()).get("intent");
  if (intent === "accept" || intent === "decline") {
    const result = await answerInvitation({ token, sessionToken: await readSessionToken(request), answer: intent });
    if (result.ok) {
      if (intent === "accept") return redirect(`/staff/practice?joined=${encodeURIComponent(result.odsCode)}`);
      return { declined: result.practiceName };
    }
    // Signed out, someone else, or spent: the page says which.
    throw redirect(here);
  }
  const parsed = await parseForm(request, setUpSchema);
  if (!parsed.ok) return parsed.response;
  const result = await completeSetup({ token, ...parsed.data });
  if (result.ok) {
    return redirect("/staff/enrol", { headers: { "Set-Cookie": await sessionCookieHeader(result.pendingToken) } });
  }
  if (result.reason === "expired") throw redirect(here);
  const field = result.problem === "mismatch" ? "confirmPassword" : "password";
  return formError({ fieldErrors: { [field]: [staffContent.passwordProblems[result.problem]] } });
}

export default function SetUpPage() {
  const { link, signInHref } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (result && "declined" in result) {
    return (
      <MainContent>
        <h1>{invitation.declinedTitle}</h1>
        <p>{invitation.declinedBody(result.declined)}</p>
      </MainContent>
    );
  }
  if (link.kind === "expired") {
    return (
      <MainContent>
        <h1>{content.expiredTitle}</h1>
        <p>{content.expiredBody}</p>
      </MainContent>
    );
  }
  if (link.kind === "accept") return <InvitationPage link={link} signInHref={signInHref} />;
  const errors = result && "fieldErrors" in result ? result : undefined;
  return (
    <MainContent>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <ErrorSummary
            errors={errors ? errorList(errors.fieldErrors, errors.formErrors, ["password", "confirmPassword"]) : []}
            focusKey={errors}
          />
          <h1>{link.purpose === "reset" ? content.resetTitle : content.title}</h1>
          {link.purpose === "reset" ? (
            <p>{content.resetIntro(link.name, link.practiceName)}</p>
          ) : (
            <>
              <p>{content.invitedBy(link.practiceName)}</p>
              <p>{content.intro(link.name)}</p>
            </>
          )}
          <Form method="post" noValidate>
            {/* Lets password managers save the password against the right account. */}
            <input type="hidden" name="username" autoComplete="username" value={link.email} />
            <TextInput
              id="password"
              name="password"
              type="password"
              label={content.passwordLabel}
              hint={content.hint}
              autoComplete="new-password"
              error={firstError(errors?.fieldErrors, "password")}
            />
            <TextInput
              id="confirmPassword"
              name="confirmPassword"
              type="password"
              label={content.confirmLabel}
              autoComplete="new-password"
              error={firstError(errors?.fieldErrors, "confirmPassword")}
            />
            <Button>{content.button}</Button>
          </Form>
        </div>
      </div>
    </MainContent>
  );
}

function InvitationPage({ link, signInHref }: { link: Extract<SetupLink, { kind: "accept" }>; signInHref: string }) {
  if (link.viewer === "someone-else") {
    return (
      <MainContent>
        <h1>{invitation.someoneElseTitle}</h1>
        <p>{invitation.someoneElseBody}</p>
      </MainContent>
    );
  }
  return (
    <MainContent>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h1>{invitation.title(link.practiceName)}</h1>
          <p>
            {invitation.invited(link.practiceName, roleInSentence[link.role]) + (link.viewer === "signed-out" ? ` ${invitation.signInToAccept}` : "")}
          </p>
          {link.viewer === "signed-out" ? (
            <p>
              <a className="nhsuk-button" href={signInHref} role="button" draggable="false">
                {invitation.signIn}
              </a>
            </p>
          ) : (
            <>
              <Form method="post">
                <input type="hidden" name="intent" value="accept" />
                <Button>{invitation.accept}</Button>
              </Form>
              <p>{invitation.declineHint}</p>
              <Form method="post">
                <input type="hidden" name="intent" value="decline" />
                <Button variant="secondary">{invitation.decline}</Button>
              </Form>
            </>
          )}
        </div>
      </div>
    </MainContent>
  );
}
