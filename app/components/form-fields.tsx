import { Fragment, type ReactNode } from "react";

// NHS.UK design-system fields that forms.tsx does not have: a single checkbox,
// the date input, and radios with conditional content. Markup as in
// nhsuk-frontend's templates. Conditional content is always shown: the
// frontend's script, which would hide it until its radio is chosen, is not
// loaded, and without it the form still reads in order.

function classes(...names: (string | false | undefined)[]): string {
  return names.filter(Boolean).join(" ");
}

function ErrorMessage({ id, children }: { id: string; children: ReactNode }) {
  return (
    <span className="nhsuk-error-message" id={id}>
      <span className="nhsuk-u-visually-hidden">Error:</span> {children}
    </span>
  );
}

function ids(...values: (string | false | undefined)[]): string | undefined {
  const present = values.filter(Boolean);
  return present.length > 0 ? present.join(" ") : undefined;
}

/** One checkbox that must be ticked, such as a confirmation. Its id is its name. */
export function Checkbox({
  name,
  label,
  hint,
  error,
  value = "yes",
  defaultChecked,
}: {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  value?: string;
  defaultChecked?: boolean;
}) {
  return (
    <div className={classes("nhsuk-form-group", error && "nhsuk-form-group--error")}>
      {error ? <ErrorMessage id={`${name}-error`}>{error}</ErrorMessage> : null}
      <div className="nhsuk-checkboxes">
        <div className="nhsuk-checkboxes__item">
          <input
            className="nhsuk-checkboxes__input"
            id={name}
            name={name}
            type="checkbox"
            value={value}
            defaultChecked={defaultChecked}
            aria-describedby={ids(hint !== undefined && `${name}-item-hint`, error && `${name}-error`)}
          />
          <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={name}>
            {label}
          </label>
          {hint !== undefined ? (
            <div className="nhsuk-hint nhsuk-checkboxes__hint" id={`${name}-item-hint`}>
              {hint}
            </div>
          ) : null}
        </div>
      </div>
    </div>
  );
}

/**
 * The NHS date input: day, month and year. The day field's id is `id`, so an
 * error summary can link to `#id`; the fields are named `${name}Day`,
 * `${name}Month` and `${name}Year`.
 */
export function DateInput({
  id,
  name,
  legend,
  hint,
  error,
  values,
}: {
  id: string;
  name: string;
  legend: ReactNode;
  hint?: ReactNode;
  error?: string;
  values?: { day?: string; month?: string; year?: string };
}) {
  const parts = [
    { key: "day", label: "Day", field: `${name}Day`, inputId: id, width: 2 },
    { key: "month", label: "Month", field: `${name}Month`, inputId: `${id}-month`, width: 2 },
    { key: "year", label: "Year", field: `${name}Year`, inputId: `${id}-year`, width: 4 },
  ] as const;
  return (
    <div className={classes("nhsuk-form-group", error && "nhsuk-form-group--error")}>
      <fieldset
        className="nhsuk-fieldset"
        role="group"
        aria-describedby={ids(hint !== undefined && `${id}-hint`, error && `${id}-error`)}
      >
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        {hint !== undefined ? (
          <div className="nhsuk-hint" id={`${id}-hint`}>
            {hint}
          </div>
        ) : null}
        {error ? <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage> : null}
        <div className="nhsuk-date-input" id={`${id}-input`}>
          {parts.map((part) => (
            <div className="nhsuk-date-input__item" key={part.key}>
              <div className="nhsuk-form-group">
                <label className="nhsuk-label nhsuk-date-input__label" htmlFor={part.inputId}>
                  {part.label}
                </label>
                <input
                  className={classes(
                    "nhsuk-input nhsuk-date-input__input",
                    `nhsuk-input--width-${part.width}`,
                    error && "nhsuk-input--error",
                  )}
                  id={part.inputId}
                  name={part.field}
                  type="text"
                  inputMode="numeric"
                  defaultValue={values?.[part.key]}
                />
              </div>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

/**
 * NHS radios whose options may carry conditional content (shown indented
 * under the option). The first input's id is `name`, as in forms.tsx's Radios.
 */
export function RadiosWithConditionals({
  name,
  legend,
  options,
  hint,
  error,
  defaultValue,
}: {
  name: string;
  legend: ReactNode;
  options: { value: string; label: ReactNode; hint?: ReactNode; conditional?: ReactNode }[];
  hint?: ReactNode;
  error?: string;
  defaultValue?: string;
}) {
  return (
    <div className={classes("nhsuk-form-group", error && "nhsuk-form-group--error")}>
      <fieldset className="nhsuk-fieldset" aria-describedby={ids(hint !== undefined && `${name}-hint`, error && `${name}-error`)}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">{legend}</legend>
        {hint !== undefined ? (
          <div className="nhsuk-hint" id={`${name}-hint`}>
            {hint}
          </div>
        ) : null}
        {error ? <ErrorMessage id={`${name}-error`}>{error}</ErrorMessage> : null}
        <div className="nhsuk-radios nhsuk-radios--conditional">
          {options.map((option, index) => {
            const itemId = index === 0 ? name : `${name}-${index + 1}`;
            return (
              <Fragment key={option.value}>
                <div className="nhsuk-radios__item">
                  <input
                    className="nhsuk-radios__input"
                    id={itemId}
                    name={name}
                    type="radio"
                    value={option.value}
                    defaultChecked={defaultValue !== undefined && option.value === defaultValue}
                    aria-describedby={option.hint !== undefined ? `${itemId}-item-hint` : undefined}
                  />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={itemId}>
                    {option.label}
                  </label>
                  {option.hint !== undefined ? (
                    <div className="nhsuk-hint nhsuk-radios__hint" id={`${itemId}-item-hint`}>
                      {option.hint}
                    </div>
                  ) : null}
                </div>
                {option.conditional ? (
                  <div className="nhsuk-radios__conditional" id={`conditional-${itemId}`}>
                    {option.conditional}
                  </div>
                ) : null}
              </Fragment>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}
