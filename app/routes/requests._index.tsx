import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Button, ErrorSummary, pageTitle, Radios } from "../components/forms";
import { MainContent } from "../components/page-chrome";
import { requestErrors, requestsContent } from "../content/requests";
import { getPatientHome } from "../services/patient-home.server";

// The start page: what online access is and the three choices. A GET form,
// so choosing changes nothing; /requests/new sends back here with
// ?error=kind when nothing was chosen.

const content = requestsContent.start;

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const home = await getPatientHome(url.searchParams.get("practice"));
  return { home, kindMissing: url.searchParams.get("error") === "kind" };
}

export const handle = {
  title: (data: Awaited<ReturnType<typeof loader>>) => pageTitle(content.title, data.kindMissing),
};

export default function RequestStartPage() {
  const { home, kindMissing } = useLoaderData<typeof loader>();
  return (
    <MainContent>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          {home.kind === "practice" ? (
            <>
              <ErrorSummary errors={kindMissing ? [{ fieldId: "kind", message: requestErrors.kind }] : []} />
              <h1>{content.title}</h1>
              {content.intro.map((line) => (
                <p key={line}>{line}</p>
              ))}
              <form method="get" action="/requests/new" noValidate>
                <input type="hidden" name="practice" value={home.practice.odsCode} />
                <Radios name="kind" legend={content.legend} options={content.kinds} error={kindMissing ? requestErrors.kind : undefined} />
                <Button>{content.button}</Button>
              </form>
            </>
          ) : home.kind === "chooser" ? (
            <>
              <h1>{content.choosePractice}</h1>
              <ul className="nhsuk-list">
                {home.practices.map((p) => (
                  <li key={p.odsCode}>
                    <a href={`/requests?practice=${encodeURIComponent(p.odsCode)}`}>{p.name}</a>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <>
              <h1>{content.title}</h1>
              <p>{content.noPractice}</p>
            </>
          )}
        </div>
      </div>
    </MainContent>
  );
}
