import type { ErrorSummaryItem, FieldErrors } from "./forms";

/**
 * Every problem for the error summary, each on its own line, fields in the page's order (a field
 * missing from `order` after the others). Unlike `errorList`, which takes a field's first message,
 * this is for a field that can hold many problems at once: a batch file refused for several rows
 * must show each row, or staff correct one and are refused again for the next.
 */
export function everyProblem(fieldErrors: FieldErrors, formErrors: string[], order: string[]): ErrorSummaryItem[] {
  const fields = [...order, ...Object.keys(fieldErrors).filter((name) => !order.includes(name))];
  return [
    ...formErrors.map((message) => ({ message })),
    ...fields.flatMap((fieldId) => (fieldErrors[fieldId] ?? []).map((message) => ({ fieldId, message }))),
  ];
}

/** All of a field's problems, for the message beside it; undefined when it has none. */
export function allMessages(fieldErrors: FieldErrors | undefined, name: string): string | undefined {
  const messages = fieldErrors?.[name] ?? [];
  return messages.length > 0 ? messages.join(" ") : undefined;
}
