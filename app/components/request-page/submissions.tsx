import { formatUkDateTime } from "../../content/campaigns";
import { requestPageContent as content } from "../../content/review-queue";
import { RequestAnswers } from "../request-answers";
import type { Review } from "./types";

/** Everything received for the request, a table per submission, each answer in the words the sender read. */
export function Submissions({ review }: { review: Review }) {
  return (
    <>
      <h2>{content.submissionsHeading}</h2>
      {review.submissions.map((submission, index) => (
        <RequestAnswers
          key={`${String(submission.receivedAt)}-${index}`}
          caption={content.submissionCaption(index + 1, formatUkDateTime(submission.receivedAt))}
          answers={submission.answers}
          staffEntry={submission}
          extraRows={submission.shownReference ? [{ question: content.shownReference, answer: submission.shownReference }] : []}
        />
      ))}
    </>
  );
}
