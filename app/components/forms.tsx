import { useEffect, useId, useRef } from "react";
import type { MouseEvent, ReactNode } from "react";

// NHS.UK design-system form components, written once. The markup follows
// nhsuk-frontend's fixtures exactly. We do not load nhsuk-frontend's JavaScript,
// so `data-module` attributes are left off; the little behaviour that matters
// for accessibility (focusing the error summary or a success banner) is done
// here with effects, and everything works without JavaScript.

export type FieldErrors = Partial<Record<string, string[]>>;

export type ErrorSummaryItem = { fieldId?: string; message: string };

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** The page title, prefixed "Error: " when the form has errors (GOV.UK/NHS pattern). */
export function pageTitle(title: string, hasErrors: boolean): string {
  return hasErrors ? `Error: ${title}` : title;
}

/** The first message for a field, for its inline error. */
export function firstError(fieldErrors: FieldErrors | undefined, name: string): string | undefined {
  return fieldErrors?.[name]?.[0];
}

/**
 * Turns zod's `z.flattenError()` output into error-summary items: form-level
 * errors first (no link), then the first message of each field in page order.
 * A field missing from `order` is still listed, after the others, so that no
 * error shown beside a field is ever missing from the summary. The field name
 * is used as the link target, so each field's id must equal its name (Radios
 * already gives its first input the name as id).
 */
export function errorList(
  fieldErrors: FieldErrors,
  formErrors: string[],
  order: string[],
): ErrorSummaryItem[] {
  const items: ErrorSummaryItem[] = formErrors.map((message) => ({ message }));
  const unordered = Object.keys(fieldErrors).filter((name) => !order.includes(name));
  for (const fieldId of [...order, ...unordered]) {
    const message = firstError(fieldErrors, fieldId);
    if (message !== undefined) items.push({ fieldId, message });
  }
  return items;
}

// Like nhsuk-frontend's error summary script: focus the field, but scroll its
// label or legend into view so the question is visible above it.
function focusTarget(event: MouseEvent<HTMLAnchorElement>, fieldId: string) {
  const input = document.getElementById(fieldId);
  if (!input) return;
  const legend = input.closest("fieldset")?.querySelector("legend");
  const label = document.querySelector(`label[for="${CSS.escape(fieldId)}"]`);
  const heading = legend ?? label;
  event.preventDefault();
  (heading ?? input).scrollIntoView();
  input.focus({ preventScroll: true });
}

/**
 * The NHS error summary. Focused when it appears (and again whenever the set
 * of errors changes, or `focusKey` changes — pass the action data so that a
 * resubmission with the same errors is announced again).
 */
export function ErrorSummary({
  errors,
  focusKey,
}: {
  errors: ErrorSummaryItem[];
  focusKey?: unknown;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const signature = errors.map((e) => `${e.fieldId ?? ""}\u0000${e.message}`).join("\u0001");

  useEffect(() => {
    if (signature) ref.current?.focus();
  }, [signature, focusKey]);

  if (errors.length === 0) return null;
  return (
    <div className="nhsuk-error-summary" ref={ref} tabIndex={-1}>
      <div role="alert">
        <h2 className="nhsuk-error-summary__heading">There is a problem</h2>
        <div className="nhsuk-error-summary__body">
          <ul className="nhsuk-list nhsuk-error-summary__list">
            {errors.map(({ fieldId, message }, index) => (
              <li key={`${fieldId ?? ""}-${index}`}>
                {fieldId ? (
                  <a href={`#${fieldId}`} onClick={(event) => focusTarget(event, fieldId)}>
                    {message}
                  </a>
                ) : (
                  message
                )}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

function ErrorMessage({ id, children }: { id: string; children: ReactNode }) {
  return (
    <span className="nhsuk-error-message" id={id}>
      <span className="nhsuk-u-visually-hidden">Error:</span> {children}
    </span>
  );
}

function Hint({ id, children }: { id: string; children: ReactNode }) {
  return (
    <div className="nhsuk-hint" id={id}>
      {children}
    </div>
  );
}

function classes(...names: (string | false | undefined)[]): string {
  return names.filter(Boolean).join(" ");
}

function describedBy(id: string, hint: ReactNode, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : undefined, error ? `${id}-error` : undefined].filter(Boolean);
  return ids.length > 0 ? ids.join(" ") : undefined;
}

function Label({
  htmlFor,
  isPageHeading,
  children,
}: {
  htmlFor: string;
  isPageHeading?: boolean;
  children: ReactNode;
}) {
  if (isPageHeading) {
    return (
      <h1 className="nhsuk-label-wrapper">
        <label className="nhsuk-label nhsuk-label--l" htmlFor={htmlFor}>
          {children}
        </label>
      </h1>
    );
  }
  return (
    <label className="nhsuk-label" htmlFor={htmlFor}>
      {children}
    </label>
  );
}

// ---------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------

export type InputWidth = 2 | 3 | 4 | 5 | 10 | 20 | 30;

export function TextInput({
  id,
  name,
  label,
  hint,
  error,
  type = "text",
  autoComplete,
  defaultValue,
  width,
  spellCheck,
  inputMode,
  labelIsPageHeading,
}: {
  id: string;
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  type?: "text" | "email" | "tel" | "password" | "search" | "url";
  autoComplete?: string;
  defaultValue?: string;
  width?: InputWidth;
  spellCheck?: boolean;
  inputMode?: "text" | "numeric" | "decimal" | "tel" | "email" | "url" | "search" | "none";
  labelIsPageHeading?: boolean;
}) {
  return (
    <div className={classes("nhsuk-form-group", error && "nhsuk-form-group--error")}>
      <Label htmlFor={id} isPageHeading={labelIsPageHeading}>
        {label}
      </Label>
      {hint ? <Hint id={`${id}-hint`}>{hint}</Hint> : null}
      {error ? <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage> : null}
      <input
        className={classes(
          "nhsuk-input",
          error && "nhsuk-input--error",
          width && `nhsuk-input--width-${width}`,
        )}
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        defaultValue={defaultValue}
        spellCheck={spellCheck}
        inputMode={inputMode}
        aria-describedby={describedBy(id, hint, error)}
      />
    </div>
  );
}

export function Textarea({
  id,
  name,
  label,
  hint,
  error,
  defaultValue,
  rows = 5,
}: {
  id: string;
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  defaultValue?: string;
  rows?: number;
}) {
  return (
    <div className={classes("nhsuk-form-group", error && "nhsuk-form-group--error")}>
      <Label htmlFor={id}>{label}</Label>
      {hint ? <Hint id={`${id}-hint`}>{hint}</Hint> : null}
      {error ? <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage> : null}
      <textarea
        className={classes("nhsuk-textarea", error && "nhsuk-textarea--error")}
        id={id}
        name={name}
        rows={rows}
        defaultValue={defaultValue}
        aria-describedby={describedBy(id, hint, error)}
      />
    </div>
  );
}

export function Select({
  id,
  name,
  label,
  options,
  hint,
  error,
  defaultValue,
}: {
  id: string;
  name: string;
  label: ReactNode;
  options: { value: string; label: string }[];
  hint?: ReactNode;
  error?: string;
  defaultValue?: string;
}) {
  return (
    <div className={classes("nhsuk-form-group", error && "nhsuk-form-group--error")}>
      <Label htmlFor={id}>{label}</Label>
      {hint ? <Hint id={`${id}-hint`}>{hint}</Hint> : null}
      {error ? <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage> : null}
      <select
        className={classes("nhsuk-select", error && "nhsuk-select--error")}
        id={id}
        name={name}
        defaultValue={defaultValue}
        aria-describedby={describedBy(id, hint, error)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** NHS radios. The first input's id is `name`, so an error summary can link to `#name`. */
export function Radios({
  name,
  legend,
  options,
  hint,
  error,
  defaultValue,
  legendIsPageHeading,
}: {
  name: string;
  legend: ReactNode;
  options: { value: string; label: ReactNode; hint?: ReactNode }[];
  hint?: ReactNode;
  error?: string;
  defaultValue?: string;
  legendIsPageHeading?: boolean;
}) {
  return (
    <div className={classes("nhsuk-form-group", error && "nhsuk-form-group--error")}>
      <fieldset className="nhsuk-fieldset" aria-describedby={describedBy(name, hint, error)}>
        {legendIsPageHeading ? (
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--l">
            <h1 className="nhsuk-fieldset__heading">{legend}</h1>
          </legend>
        ) : (
          <legend className="nhsuk-fieldset__legend">{legend}</legend>
        )}
        {hint ? <Hint id={`${name}-hint`}>{hint}</Hint> : null}
        {error ? <ErrorMessage id={`${name}-error`}>{error}</ErrorMessage> : null}
        <div className="nhsuk-radios">
          {options.map((option, index) => {
            const itemId = index === 0 ? name : `${name}-${index + 1}`;
            const itemHintId = `${itemId}-item-hint`;
            return (
              <div className="nhsuk-radios__item" key={option.value}>
                <input
                  className="nhsuk-radios__input"
                  id={itemId}
                  name={name}
                  type="radio"
                  value={option.value}
                  defaultChecked={defaultValue !== undefined && option.value === defaultValue}
                  aria-describedby={option.hint ? itemHintId : undefined}
                />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={itemId}>
                  {option.label}
                </label>
                {option.hint ? (
                  <div className="nhsuk-hint nhsuk-radios__hint" id={itemHintId}>
                    {option.hint}
                  </div>
                ) : null}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

export function Button({
  children,
  variant = "primary",
  name,
  value,
  type = "submit",
}: {
  children: ReactNode;
  variant?: "primary" | "secondary" | "warning";
  name?: string;
  value?: string;
  type?: "submit" | "button" | "reset";
}) {
  return (
    <button
      className={classes("nhsuk-button", variant !== "primary" && `nhsuk-button--${variant}`)}
      type={type}
      name={name}
      value={value}
    >
      {children}
    </button>
  );
}

// ---------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------

export function SummaryList({
  rows,
}: {
  rows: { key: ReactNode; value: ReactNode; action?: ReactNode }[];
}) {
  // As nhsuk-frontend does: when some rows have actions, the others are
  // marked so their value cell still spans the same width.
  const anyActions = rows.some((row) => row.action);
  return (
    <dl className="nhsuk-summary-list">
      {rows.map((row, index) => (
        <div
          className={classes(
            "nhsuk-summary-list__row",
            anyActions && !row.action && "nhsuk-summary-list__row--no-actions",
          )}
          key={index}
        >
          <dt className="nhsuk-summary-list__key">{row.key}</dt>
          <dd className="nhsuk-summary-list__value">{row.value}</dd>
          {row.action ? <dd className="nhsuk-summary-list__actions">{row.action}</dd> : null}
        </div>
      ))}
    </dl>
  );
}

export function Table({
  caption,
  head,
  rows,
  captionSize,
}: {
  caption: ReactNode;
  head: ReactNode[];
  rows: ReactNode[][];
  captionSize?: "s" | "m" | "l";
}) {
  return (
    <table className="nhsuk-table">
      <caption
        className={classes("nhsuk-table__caption", captionSize && `nhsuk-table__caption--${captionSize}`)}
      >
        {caption}
      </caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          {head.map((cell, index) => (
            <th className="nhsuk-table__header" scope="col" key={index}>
              {cell}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {rows.map((row, rowIndex) => (
          <tr className="nhsuk-table__row" key={rowIndex}>
            {row.map((cell, cellIndex) => (
              <td className="nhsuk-table__cell" key={cellIndex}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Inset text. Pass block content, usually one or more `<p>`. */
export function InsetText({ children }: { children: ReactNode }) {
  return (
    <div className="nhsuk-inset-text">
      <span className="nhsuk-u-visually-hidden">Information: </span>
      {children}
    </div>
  );
}

/**
 * Warning callout. Pass block content, usually one or more `<p>`. The heading
 * is an h2 by default (nhsuk-frontend defaults to h3) so it follows a page's h1
 * without skipping a level. As nhsuk-frontend does, a heading that does not
 * itself say "important" gets a visually hidden "Important: " prefix.
 */
export function WarningCallout({
  heading,
  children,
  headingLevel = 2,
}: {
  heading: string;
  children: ReactNode;
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const saysImportant = /important/i.test(heading);
  return (
    <div className="nhsuk-card nhsuk-card--warning">
      <div className="nhsuk-card__content">
        <Heading className="nhsuk-card__heading">
          {saysImportant ? (
            heading
          ) : (
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              {heading}
            </span>
          )}
        </Heading>
        {children}
      </div>
    </div>
  );
}

/**
 * Notification banner. The success variant has role="alert" and, as
 * nhsuk-frontend's script does, takes focus when it appears so that it is
 * announced after a redirect. Pass content such as
 * `<p className="nhsuk-notification-banner__heading">…</p>`.
 */
export function NotificationBanner({
  title,
  children,
  success = false,
}: {
  title?: string;
  children: ReactNode;
  success?: boolean;
}) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (success) ref.current?.focus();
  }, [success]);

  return (
    <div
      className={classes("nhsuk-notification-banner", success && "nhsuk-notification-banner--success")}
      role={success ? "alert" : "region"}
      aria-labelledby={titleId}
      ref={ref}
      tabIndex={success ? -1 : undefined}
    >
      <div className="nhsuk-notification-banner__header">
        <h2 className="nhsuk-notification-banner__title" id={titleId}>
          {title ?? (success ? "Success" : "Important")}
        </h2>
      </div>
      <div className="nhsuk-notification-banner__content">{children}</div>
    </div>
  );
}

export function BackLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a className="nhsuk-back-link" href={href}>
      {children}
    </a>
  );
}
