import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { MainContent } from "../components/page-chrome";
import { requestsContent } from "../content/requests";
import { isRequestReference } from "../domain/request-forms";

// The same page for everyone who sends a request, matched or not, stored or
// not: only the reference differs.

const content = requestsContent.sent;

export function loader({ request }: LoaderFunctionArgs) {
  const ref = new URL(request.url).searchParams.get("ref");
  return { reference: isRequestReference(ref) ? ref : null };
}

export const handle = { title: content.title };

export default function RequestSentPage() {
  const { reference } = useLoaderData<typeof loader>();
  return (
    <MainContent>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <div className="nhsuk-card nhsuk-card--confirmation">
            <div className="nhsuk-card__content">
              <h1 className="nhsuk-card__heading">{content.title}</h1>
              {reference ? (
                <p className="nhsuk-card__description">
                  {content.reference}
                  <br />
                  <strong>{reference}</strong>
                </p>
              ) : null}
            </div>
          </div>
          <h2>{content.nextHeading}</h2>
          {content.next.map((line) => (
            <p key={line}>{line}</p>
          ))}
          <p>{content.urgent}</p>
        </div>
      </div>
    </MainContent>
  );
}
