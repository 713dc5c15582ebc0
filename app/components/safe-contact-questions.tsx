import { requestsContent } from "../content/requests";
import { ConditionalReveal } from "./conditional-reveal";
import { RadiosWithConditionals } from "./form-fields";
import { firstError, TextInput, type FieldErrors } from "./forms";

/**
 * The safe-contact questions of a request for access, in the online form's words: the way to
 * reach the patient, the number to call revealed under "Phone", and when. The patient's form asks
 * them, and so does staff's form for a request taken by phone or at the desk, so that the practice
 * reads every answer under the same question (content/request-answers.ts).
 */
export function SafeContactQuestions({ values, fieldErrors }: { values: Record<string, string>; fieldErrors: FieldErrors | undefined }) {
  const q = requestsContent.questions["opt-in"];
  const phone = (
    <TextInput
      id="contactPhone"
      name="contactPhone"
      type="tel"
      label={q.contactPhone}
      hint={q.contactPhoneHint}
      autoComplete="tel"
      width={20}
      defaultValue={values.contactPhone}
      error={firstError(fieldErrors, "contactPhone")}
    />
  );
  return (
    <>
      <ConditionalReveal>
        <RadiosWithConditionals
          name="contactWay"
          legend={q.contactWay}
          hint={q.contactWayHint}
          options={q.contactWays.map((option) => (option.value === "phone" ? { ...option, conditional: phone } : option))}
          defaultValue={values.contactWay}
          error={firstError(fieldErrors, "contactWay")}
        />
      </ConditionalReveal>
      <TextInput
        id="contactTime"
        name="contactTime"
        label={q.contactTime}
        hint={q.contactTimeHint}
        defaultValue={values.contactTime}
        error={firstError(fieldErrors, "contactTime")}
      />
    </>
  );
}
