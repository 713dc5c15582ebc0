import type { ReactNode } from "react";

/**
 * NHS file upload, as nhsuk-frontend's markup without its script: the
 * browser's own file input, which works without JavaScript. As with the
 * other fields, give it an id equal to its name so the error summary can link to it.
 */
export function FileUpload({
  id,
  name,
  label,
  hint,
  error,
  accept,
}: {
  id: string;
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  accept?: string;
}) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`nhsuk-form-group nhsuk-file-upload${error ? " nhsuk-form-group--error" : ""}`}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div className="nhsuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <span className="nhsuk-error-message" id={`${id}-error`}>
          <span className="nhsuk-u-visually-hidden">Error:</span> {error}
        </span>
      ) : null}
      <input className="nhsuk-file-upload__input" id={id} name={name} type="file" accept={accept} aria-describedby={describedBy} />
    </div>
  );
}
