import { Form } from "@remix-run/react";
import { requestPageContent as content } from "../../content/review-queue";
import { formatLongDay } from "../../domain/calendar";
import { COMPARED_FIELDS } from "../../domain/identity-match";
import { formatNhsNumber } from "../../domain/nhs-number";
import { Button, InsetText, SummaryList, Table, TextInput } from "../forms";
import { StepForm } from "./step-form";
import type { Review } from "./types";

type LinkingData = NonNullable<Review["linking"]>;

/** For a request no patient is linked to: what the sender gave, who on the list it might be, and a search. */
export function Linking({ review, linking }: { review: Review; linking: LinkingData }) {
  const { claim } = linking;
  const rows = content.claimRows;
  return (
    <>
      <h2>{content.linkHeading}</h2>
      {claim ? (
        <SummaryList
          rows={[
            { key: rows.name, value: `${claim.givenName} ${claim.familyName}` },
            { key: rows.dateOfBirth, value: formatLongDay(claim.dateOfBirth) },
            { key: rows.postcode, value: claim.postcode || rows.notGiven },
            { key: rows.nhsNumber, value: claim.nhsNumber ? formatNhsNumber(claim.nhsNumber) : rows.notGiven },
          ]}
        />
      ) : null}
      <Form method="get" className="nhsuk-u-margin-bottom-5">
        <TextInput
          id="find"
          name="find"
          type="search"
          label={content.searchLabel}
          hint={content.searchHint}
          spellCheck={false}
          defaultValue={linking.search ?? ""}
          error={linking.problem ? content.searchProblems[linking.problem] : undefined}
        />
        <Button variant="secondary">{content.searchButton}</Button>
      </Form>
      {linking.search === null ? (
        <p>{linking.candidates.length > 0 ? content.closeCandidates : content.noCloseCandidates}</p>
      ) : linking.problem ? null : linking.candidates.length === 0 ? (
        <p>{content.searchNone(linking.search)}</p>
      ) : null}
      {linking.candidates.length > 0 ? (
        <>
          {linking.check.ok ? <InsetText>{content.linkWarning}</InsetText> : <p>{content.notAllowed(content.linkButton, linking.check.reason)}</p>}
          <Table
            caption={linking.search === null ? content.closeCandidates : content.searchResults(linking.candidates.length, linking.more, linking.search)}
            captionSize="s"
            head={content.candidateHead}
            rows={linking.candidates.map((candidate) => [
              <>
                {candidate.name}
                {candidate.standing !== "registered" ? (
                  <>
                    {" "}
                    <strong className="nhsuk-tag nhsuk-tag--grey">{content.standing[candidate.standing]}</strong>
                  </>
                ) : null}
              </>,
              formatNhsNumber(candidate.nhsNumber),
              formatLongDay(candidate.dateOfBirth),
              candidate.postcode ?? "",
              candidate.comparison ? (
                <ul className="nhsuk-list">
                  {COMPARED_FIELDS.map((field) => (
                    <li key={field}>
                      {`${content.comparedNames[field]}: `}
                      {candidate.comparison![field] === "differs" ? <strong>{content.agreement.differs}</strong> : content.agreement[candidate.comparison![field]]}
                    </li>
                  ))}
                </ul>
              ) : (
                ""
              ),
              linking.check.ok && candidate.standing === "registered" ? (
                <StepForm key={candidate.id} intent="link" version={review.request.version}>
                  <input type="hidden" name="patientId" value={candidate.id} />
                  <Button variant="secondary">
                    {content.linkButton}
                    <span className="nhsuk-u-visually-hidden">{content.linkButtonFor(candidate.name)}</span>
                  </Button>
                </StepForm>
              ) : (
                ""
              ),
            ])}
          />
        </>
      ) : null}
    </>
  );
}
