// The three SNOMED CT concepts that decide online access to a patient's own record.
// Terms and labels are for staff screens only: DESIGN §2 forbids them in patient messages.

export const CODE_KEYS = ["104", "106", "103"] as const;
export type CodeKey = (typeof CODE_KEYS)[number];

export interface CodeDefinition {
  key: CodeKey;
  conceptId: string;
  term: string;
  label: string;
}

export const CODES: Record<CodeKey, CodeDefinition> = {
  "104": {
    key: "104",
    conceptId: "1364731000000104",
    term: "Enhanced review indicated before granting access to own health record",
    label: "Review before access",
  },
  "106": {
    key: "106",
    conceptId: "1364751000000106",
    term: "Enhanced review not indicated before granting access to own health record",
    label: "Review not needed",
  },
  "103": {
    key: "103",
    conceptId: "1290331000000103",
    term: "Online access to own health record declined by patient",
    label: "Declined online access",
  },
};

export function codeKeyFromConceptId(conceptId: string): CodeKey | null {
  // Exports from clinical systems sometimes pad cells; a concept id never contains spaces.
  const wanted = conceptId.trim();
  for (const key of CODE_KEYS) {
    if (CODES[key].conceptId === wanted) return key;
  }
  return null;
}
