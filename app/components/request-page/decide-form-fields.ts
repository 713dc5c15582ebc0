import type { CounsellingMethod, DecisionDraft, DecisionField, DecisionProblem, IdentityMethod } from "../../domain/access-decision";
import { formatIsoDay, parseIsoDay } from "../../domain/calendar";
import type { AccessLevel } from "../../domain/clinical-system-steps";
import { DECISION_OUTCOMES, type DecisionOutcome } from "../../domain/request-workflow";

// The decide form's fields, shared by the form (components) and the route's action, so that what
// is shown, what is read back and where each problem is shown cannot drift apart. The form offers
// only what the request allows; everything else is derived and checked by app/domain.

/** Outcomes whose choice carries a reason field: staff say why access is withheld. */
export const REASON_OUTCOMES: readonly DecisionOutcome[] = ["withheld"];

/** The radios and reason of "Set a different access level", one set per outcome that offers one. */
export const otherLevelField = (outcome: DecisionOutcome) => `accessLevel-${outcome}`;
export const otherLevelReasonField = (outcome: DecisionOutcome) => `accessLevelReason-${outcome}`;
/** The radio that keeps the level the outcome derives: no different level. */
export const USUAL_LEVEL = "usual";

/** The element an error summary links to for a problem with `field`, for the outcome posted. */
export function fieldIdOf(field: DecisionField, outcome: DecisionOutcome): string {
  switch (field) {
    case "accessLevel":
      return otherLevelField(outcome);
    case "accessLevelReason":
      return otherLevelReasonField(outcome);
    default:
      return field;
  }
}

/** The decide form's fields in the order the page shows them. */
export const DECIDE_FIELD_ORDER: readonly string[] = [
  "outcome",
  "counselledOn",
  "counsellingMethod",
  "counsellingHeldBy",
  "counsellingNote",
  "reason",
  ...DECISION_OUTCOMES.flatMap((outcome) => [otherLevelField(outcome), otherLevelReasonField(outcome)]),
  "identityMethod",
  "notes",
];

/** A day typed into a date input, or null when it is not a real date. */
export function typedDay(day: string, month: string, year: string): string | null {
  if (![day, month, year].every((p) => /^\d+$/.test(p)) || year.length !== 4) return null;
  const iso = formatIsoDay({ year: Number(year), month: Number(month), day: Number(day) });
  return parseIsoDay(iso) ? iso : null;
}

/**
 * The decision as staff entered it. A field inside another outcome's part of the form is not read
 * (without JavaScript every part is shown, and a name typed there must not become part of this
 * decision). The counselling record is null when all of it is blank.
 */
export function decisionDraftFrom(
  outcome: DecisionOutcome,
  values: Record<string, string>,
): { draft: DecisionDraft; counsellingDateUnreadable: boolean } {
  const text = (name: string) => (values[name] ?? "").trim();
  const dateParts = [text("counselledOnDay"), text("counselledOnMonth"), text("counselledOnYear")] as const;
  const counsellingHere = values.counsellingFor === outcome;
  const dateTyped = dateParts.some((part) => part !== "");
  const on = dateTyped ? typedDay(...dateParts) : null;
  const counselling = {
    on: on ?? "",
    method: text("counsellingMethod") as CounsellingMethod,
    heldBy: text("counsellingHeldBy"),
    note: text("counsellingNote"),
  };
  const counsellingGiven = counsellingHere && (dateTyped || [counselling.method, counselling.heldBy, counselling.note].some((part) => part !== ""));
  const level = text(otherLevelField(outcome));
  const reason = REASON_OUTCOMES.includes(outcome) ? text("reason") : "";
  return {
    draft: {
      outcome,
      // Checked by the domain, which names the field when it is not one of IDENTITY_METHODS.
      identityMethod: text("identityMethod") as IdentityMethod,
      counselling: counsellingGiven ? counselling : null,
      reason: reason === "" ? null : reason,
      otherAccessLevel: level !== "" && level !== USUAL_LEVEL ? { level: level as AccessLevel, reason: text(otherLevelReasonField(outcome)) } : null,
      notes: text("notes") === "" ? null : text("notes"),
    },
    counsellingDateUnreadable: counsellingGiven && dateTyped && on === null,
  };
}

/**
 * The service's problems by the id of the field each belongs to, every one kept (a field may have
 * several). A date that is not a real date is said to be so, rather than missing.
 */
export function decisionFieldErrors(
  problems: readonly DecisionProblem[],
  outcome: DecisionOutcome,
  unreadableDate: string | null,
): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const problem of problems) {
    const id = fieldIdOf(problem.field, outcome);
    const message = problem.field === "counselledOn" && unreadableDate !== null ? unreadableDate : problem.message;
    const messages = (errors[id] ??= []);
    if (!messages.includes(message)) messages.push(message);
  }
  return errors;
}
