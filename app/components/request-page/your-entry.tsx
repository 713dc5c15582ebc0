import { correctionContent, counsellingMethodNames, decideContent } from "../../content/request-decision";
import { accessLevelNames, decisionOutcomeNames, identityMethodNames, moveNames, requestPageContent as content } from "../../content/review-queue";
import { InsetText, SummaryList } from "../forms";

const LABELS: Record<string, string> = {
  outcome: decideContent.outcomeLegend,
  identityMethod: decideContent.identityMethodLegend,
  counsellingMethod: decideContent.counsellingMethod,
  counsellingHeldBy: decideContent.counsellingHeldBy,
  counsellingNote: decideContent.counsellingNote,
  reason: decideContent.reasonLabel,
  notes: decideContent.notesLabel,
  reopenReason: correctionContent.reopenReason,
  counselledOnDay: `${decideContent.counsellingDate}: ${content.datePart.day}`,
  counselledOnMonth: `${decideContent.counsellingDate}: ${content.datePart.month}`,
  counselledOnYear: `${decideContent.counsellingDate}: ${content.datePart.year}`,
  arrangedOnDay: `${content.arrangedOn}: ${content.datePart.day}`,
  arrangedOnMonth: `${content.arrangedOn}: ${content.datePart.month}`,
  arrangedOnYear: `${content.arrangedOn}: ${content.datePart.year}`,
  arrangedMethod: content.arrangedMethod,
  to: content.moveLabel,
};

const valueNames: Record<string, Partial<Record<string, string>>> = {
  outcome: decisionOutcomeNames,
  identityMethod: identityMethodNames,
  counsellingMethod: counsellingMethodNames,
  arrangedMethod: counsellingMethodNames,
  to: moveNames,
};

/** After a conflict: what this person entered, so nothing of theirs is lost. */
export function YourEntry({ values }: { values: Record<string, string> }) {
  const rows = Object.entries(values)
    .filter(([key, value]) => value.trim() !== "" && !["version", "intent", "counsellingFor"].includes(key))
    .map(([key, value]) => ({
      key: LABELS[key] ?? (key.startsWith("accessLevelReason-") ? decideContent.otherLevelReason : key.startsWith("accessLevel-") ? decideContent.otherLevelLegend : key),
      value: valueNames[key]?.[value] ?? (key.startsWith("accessLevel-") ? (accessLevelNames as Partial<Record<string, string>>)[value] : undefined) ?? value,
    }));
  if (rows.length === 0) return null;
  return (
    <InsetText>
      <h2 className="nhsuk-heading-s">{content.yourEntry}</h2>
      <SummaryList rows={rows} />
    </InsetText>
  );
}
