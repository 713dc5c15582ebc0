import { Form } from "@remix-run/react";
import { requestPageContent as content } from "../../content/review-queue";
import { Button, firstError, Select } from "../forms";
import type { ActionErrors, Review } from "./types";

/** Who is working on the request: anyone may take it, or give it to a colleague. */
export function Assignment({ review, me, errors }: { review: Review; me: string; errors: ActionErrors }) {
  if (review.request.state === "closed") return null;
  const error = firstError(errors?.fieldErrors, "assignTo") ?? errors?.formErrors[0];
  return (
    <div className="nhsuk-u-margin-bottom-5">
      {review.assignedTo?.id !== me ? (
        <Form method="post" className="nhsuk-u-margin-bottom-3">
          <input type="hidden" name="intent" value="assign" />
          <input type="hidden" name="assignTo" value={me} />
          <Button variant="secondary">{content.assignToMe}</Button>
        </Form>
      ) : null}
      <Form method="post">
        <input type="hidden" name="intent" value="assign" />
        <Select
          id="assignTo"
          name="assignTo"
          label={content.assignLabel}
          defaultValue={review.assignedTo?.id ?? ""}
          error={error}
          options={[{ value: "", label: content.nobody }, ...review.staff.map((m) => ({ value: m.id, label: m.name }))]}
        />
        <Button variant="secondary">{content.assignButton}</Button>
      </Form>
    </div>
  );
}
