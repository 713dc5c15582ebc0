// The clinician's verdict on a patient with an active 104 (DESIGN §2,
// "At-risk review and 106 remediation"). "not-at-risk" patients go on the
// 106 remediation export for bulk coding in the clinical system.

export const AT_RISK_OUTCOMES = ["confirmed-at-risk", "not-at-risk", "to-discuss"] as const;
export type AtRiskOutcome = (typeof AT_RISK_OUTCOMES)[number];

export function isAtRiskOutcome(value: string): value is AtRiskOutcome {
  return (AT_RISK_OUTCOMES as readonly string[]).includes(value);
}

/** The list filter: one outcome, patients nobody has reviewed yet, or everyone. */
export const AT_RISK_FILTERS = ["all", "unreviewed", ...AT_RISK_OUTCOMES] as const;
export type AtRiskFilter = (typeof AT_RISK_FILTERS)[number];
