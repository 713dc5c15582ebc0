import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { MainContent } from "../components/page-chrome";
import { home } from "../content/home";
import { getPatientHome, type PublicPractice } from "../services/patient-home.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return getPatientHome(new URL(request.url).searchParams.get("practice"));
}

export const handle = {
  title: (data: Awaited<ReturnType<typeof loader>>) =>
    data.kind === "practice" ? home.title(data.practice.name) : data.kind === "chooser" ? home.chooserTitle : home.noPracticesTitle,
};

export default function PatientHomePage() {
  const data = useLoaderData<typeof loader>();
  return (
    <MainContent>
      {data.kind === "practice" ? (
        <PracticeHome practice={data.practice} />
      ) : data.kind === "chooser" ? (
        <PracticeChooser practices={data.practices} />
      ) : (
        <>
          <h1>{home.noPracticesTitle}</h1>
          <p>{home.noPracticesBody}</p>
        </>
      )}
    </MainContent>
  );
}

function PracticeHome({ practice }: { practice: PublicPractice }) {
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <h1>{home.title(practice.name)}</h1>
        <p className="nhsuk-lede-text">{home.lede}</p>
        <h2>{home.whatChangesHeading}</h2>
        {home.whatChanges.map((line) => (
          <p key={line}>{line}</p>
        ))}
        <h2>{home.choicesHeading}</h2>
        {home.choices.map((choice) => (
          <div className="nhsuk-card" key={choice.heading}>
            <div className="nhsuk-card__content">
              <h3 className="nhsuk-card__heading">{choice.heading}</h3>
              <p className="nhsuk-card__description">{choice.body}</p>
            </div>
          </div>
        ))}
        <p>
          <a href={`/requests?practice=${encodeURIComponent(practice.odsCode)}`}>{home.requestLink}</a>
        </p>
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <h2 className="nhsuk-heading-s">{home.safetyHeading}</h2>
          <p>{home.safety}</p>
        </div>
        <h2>{home.contactHeading}</h2>
        <p>
          {practice.name}. {practice.phone ? home.contactPhone(practice.phone) : null} {home.contactAddress}
        </p>
      </div>
    </div>
  );
}

function PracticeChooser({ practices }: { practices: PublicPractice[] }) {
  return (
    <>
      <h1>{home.chooserTitle}</h1>
      <p>{home.chooserLede}</p>
      <ul className="nhsuk-list">
        {practices.map((p) => (
          <li key={p.odsCode}>
            <a href={`/?practice=${encodeURIComponent(p.odsCode)}`}>{p.name}</a>
          </li>
        ))}
      </ul>
    </>
  );
}
