import type { ReactNode } from "react";
import { answerRows, answerWords, staffEntryRows } from "../content/request-answers";
import { Table } from "./forms";

/**
 * One submission's answers for staff: each question as its form asked it and each answer in the
 * words its sender chose (content/request-answers.ts), in the form's order. For a request staff
 * took on the patient's behalf, how it came in and who took it come first. React escapes every
 * answer: what the sender typed is shown as text, never markup.
 */
export function RequestAnswers({
  caption,
  answers,
  staffEntry,
  extraRows = [],
}: {
  caption: ReactNode;
  /** As stored: an object, or its entries (as getRequestReview gives them). */
  answers: Record<string, string> | [string, string][];
  staffEntry?: { channel: string | null; takenBy: string | null; enteredBy?: string | null } | null;
  /** Rows after the answers that are not answers, such as the reference shown to the sender. */
  extraRows?: { question: ReactNode; answer: ReactNode }[];
}) {
  const stored = Array.isArray(answers) ? Object.fromEntries(answers) : answers;
  const rows = [...(staffEntry ? staffEntryRows(staffEntry) : []), ...answerRows(stored), ...extraRows];
  return <Table caption={caption} captionSize="s" head={answerWords.head} rows={rows.map((row) => [row.question, row.answer])} />;
}
