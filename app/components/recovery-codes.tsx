/** One-time recovery codes, shown once: at enrolment, or when a new set is made. */
export function RecoveryCodes({ codes }: { codes: readonly string[] }) {
  return (
    <ul className="nhsuk-list" aria-label="Recovery codes" data-testid="recovery-codes">
      {codes.map((code) => (
        <li key={code}>
          <code className="nhsuk-u-font-size-24">{code}</code>
        </li>
      ))}
    </ul>
  );
}
