import type { FormErrors } from "../../http/form.server";
import type { RequestReview } from "../../services/request-review.server";

// The request page's data as its components receive it (type-only imports: nothing of the server
// reaches the browser).

export type Review = RequestReview;
export type CurrentDecision = NonNullable<RequestReview["current"]>;
export type PatientTold = CurrentDecision["told"];
/** What the page's action answers when a form needs correcting: the messages and what was posted. */
export type ActionErrors = FormErrors | undefined;
