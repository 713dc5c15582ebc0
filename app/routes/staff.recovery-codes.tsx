import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireStaff, safeReturnTo } from "../auth/guard.server";
import { MainContent } from "../components/page-chrome";
import { staffContent } from "../content/staff";
import { issueRecoveryCodes } from "../services/staff-auth.server";

const content = staffContent.enrol;

export const handle = { title: content.recoveryTitle };

// Shown once, straight after enrolment; a reload does not show them again.
export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request);
  return {
    codes: await issueRecoveryCodes(context, "if-due"),
    continueTo: safeReturnTo(new URL(request.url).searchParams.get("returnTo")),
  };
}

export default function RecoveryCodesPage() {
  const { codes, continueTo } = useLoaderData<typeof loader>();
  return (
    <MainContent>
      <h1>{content.recoveryTitle}</h1>
      {codes ? (
        <>
          <p>{content.recoveryIntro}</p>
          <ul className="nhsuk-list" aria-label="Recovery codes" data-testid="recovery-codes">
            {codes.map((code) => (
              <li key={code}>
                <code className="nhsuk-u-font-size-24">{code}</code>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{content.recoveryAlreadyShown}</p>
      )}
      <a className="nhsuk-button" href={continueTo}>
        {codes ? content.recoveryContinue : staffContent.nav.home}
      </a>
    </MainContent>
  );
}
