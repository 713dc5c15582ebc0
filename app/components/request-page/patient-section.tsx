import { dateOfBirthWithAge } from "../../content/date-of-birth";
import { accessStateNames, requestPageContent as content } from "../../content/review-queue";
import { formatNhsNumber } from "../../domain/nhs-number";
import { InsetText, SummaryList, WarningCallout } from "../forms";
import type { Review } from "./types";

/** A contact detail on record, and whether the practice has marked it private to the patient. */
function ContactDetail({ value, isPrivate }: { value: string | null; isPrivate: boolean }) {
  if (!value) return <>{content.patientRows.noContact}</>;
  return (
    <>
      {value}
      <br />
      {content.contactPrivacy(isPrivate)}
    </>
  );
}

/**
 * Who the request is about, as the practice's list has them: their age (an under-16 is outside
 * this service), each contact detail and whether it is private, and, for staff only, what an
 * active 104 during the request means for messages and for access.
 */
export function PatientSection({ review, clinicalSystem, today }: { review: Review; clinicalSystem: string; today: string }) {
  const { patient } = review;
  if (!patient) return <UnconfirmedPatient review={review} />;
  const rows = content.patientRows;
  return (
    <>
      <h2>{content.patientHeading}</h2>
      {patient.outsideService ? (
        <WarningCallout heading={content.outsideServiceHeading} headingLevel={3}>
          <p>{content.outsideService(patient.name, patient.age, clinicalSystem)}</p>
        </WarningCallout>
      ) : null}
      {review.request.hadActive104 ? (
        <InsetText>
          <p>
            <strong>{content.hadActive104Heading}</strong>
          </p>
          <p>{content.hadActive104Contact}</p>
          <p>{content.hadActive104Access}</p>
        </InsetText>
      ) : null}
      <OtherOpenRequests review={review} />
      <SummaryList
        rows={[
          { key: rows.name, value: patient.name },
          { key: rows.nhsNumber, value: formatNhsNumber(patient.nhsNumber) },
          { key: rows.dateOfBirth, value: dateOfBirthWithAge(patient.dateOfBirth, today) },
          { key: rows.address, value: patient.address.join(", ") },
          { key: rows.email, value: <ContactDetail value={patient.email} isPrivate={patient.contactIsPrivate} /> },
          { key: rows.mobile, value: <ContactDetail value={patient.mobile} isPrivate={patient.contactIsPrivate} /> },
          { key: rows.onlineAccount, value: patient.onlineAccount ? content.yes : content.no },
          { key: rows.state, value: accessStateNames[patient.state] },
        ]}
      />
    </>
  );
}

function OtherOpenRequests({ review }: { review: Review }) {
  if (review.otherOpenRequests.length === 0) return null;
  return (
    <WarningCallout heading={content.otherOpenRequests} headingLevel={3}>
      <ul>
        {review.otherOpenRequests.map((other) => (
          <li key={other.id}>
            <a href={`/staff/requests/${other.id}`}>{other.reference}</a>
          </li>
        ))}
      </ul>
    </WarningCallout>
  );
}

function UnconfirmedPatient({ review }: { review: Review }) {
  return (
    <>
      <h2>{content.patientHeading}</h2>
      <WarningCallout heading={content.identityNotConfirmed} headingLevel={3}>
        <p>{content.identityNotConfirmedBody}</p>
        <p>{content.matchReasons}:</p>
        {review.identityReasons.length > 0 ? (
          <ul>
            {review.identityReasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        ) : (
          <p>{content.noMatchReasons}</p>
        )}
      </WarningCallout>
    </>
  );
}

