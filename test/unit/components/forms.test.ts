import React from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  Button,
  ErrorSummary,
  NotificationBanner,
  Radios,
  Select,
  SummaryList,
  Table,
  TextInput,
  WarningCallout,
  errorList,
  firstError,
  pageTitle,
} from "../../../app/components/forms";

const h = React.createElement;
const render = (element: React.ReactElement) => renderToStaticMarkup(element);

function attribute(html: string, selector: RegExp, name: string): string | undefined {
  const tag = html.match(selector)?.[0];
  return tag?.match(new RegExp(`${name}="([^"]*)"`))?.[1];
}

describe("ErrorSummary", () => {
  it("renders nothing when there are no errors", () => {
    expect(render(h(ErrorSummary, { errors: [] }))).toBe("");
  });

  it("links each error to its field and lists form-level errors as plain text", () => {
    const html = render(
      h(ErrorSummary, {
        errors: [
          { message: "Your details could not be matched" },
          { fieldId: "nhsNumber", message: "Enter your NHS number" },
          { fieldId: "postcode", message: "Enter your postcode" },
        ],
      }),
    );
    expect(html).toContain('<h2 class="nhsuk-error-summary__heading">There is a problem</h2>');
    expect(html).toContain('<a href="#nhsNumber">Enter your NHS number</a>');
    expect(html).toContain('<a href="#postcode">Enter your postcode</a>');
    expect(html).toContain("<li>Your details could not be matched</li>");
    expect(html).toMatch(/class="nhsuk-error-summary"[^>]*tabindex="-1"/);
    expect(html).toContain('role="alert"');
  });
});

describe("TextInput", () => {
  const errored = render(
    h(TextInput, {
      id: "nhsNumber",
      name: "nhsNumber",
      label: "NHS number",
      hint: "This is a 10 digit number",
      error: "Enter your NHS number",
      width: 10,
      inputMode: "numeric",
      spellCheck: false,
      defaultValue: "123",
    }),
  );

  it("describes the input by both its hint and its error", () => {
    const described = attribute(errored, /<input[^>]*>/, "aria-describedby");
    expect(described?.split(" ")).toEqual(["nhsNumber-hint", "nhsNumber-error"]);
    expect(errored).toContain('id="nhsNumber-hint"');
    expect(errored).toContain('id="nhsNumber-error"');
  });

  it("prefixes the error message with visually hidden 'Error:'", () => {
    expect(errored).toContain(
      '<span class="nhsuk-error-message" id="nhsNumber-error"><span class="nhsuk-u-visually-hidden">Error:</span> Enter your NHS number</span>',
    );
  });

  it("marks the group and the input as errored, keeping the width class", () => {
    expect(errored).toContain('class="nhsuk-form-group nhsuk-form-group--error"');
    expect(attribute(errored, /<input[^>]*>/, "class")).toBe(
      "nhsuk-input nhsuk-input--error nhsuk-input--width-10",
    );
    expect(errored).toContain('<label class="nhsuk-label" for="nhsNumber">NHS number</label>');
    expect(errored).toContain('value="123"');
  });

  it("has no error markup or aria-describedby when valid and without a hint", () => {
    const html = render(h(TextInput, { id: "email", name: "email", label: "Email", type: "email" }));
    expect(html).not.toContain("error");
    expect(html).not.toContain("aria-describedby");
    expect(html).toContain('type="email"');
  });

  it("wraps the label in an h1 when it is the page heading", () => {
    const html = render(
      h(TextInput, { id: "name", name: "name", label: "What is your name?", labelIsPageHeading: true }),
    );
    expect(html).toContain(
      '<h1 class="nhsuk-label-wrapper"><label class="nhsuk-label nhsuk-label--l" for="name">What is your name?</label></h1>',
    );
  });
});

describe("Select", () => {
  it("shows the error and selects the default value", () => {
    const html = render(
      h(Select, {
        id: "role",
        name: "role",
        label: "Role",
        options: [
          { value: "reviewer", label: "Reviewer" },
          { value: "admin", label: "Administrator" },
        ],
        error: "Select a role",
        defaultValue: "admin",
      }),
    );
    expect(html).toContain('class="nhsuk-select nhsuk-select--error"');
    expect(attribute(html, /<select[^>]*>/, "aria-describedby")).toBe("role-error");
    expect(html).toContain('<option value="admin" selected="">Administrator</option>');
  });
});

describe("Radios", () => {
  const html = render(
    h(Radios, {
      name: "choice",
      legend: "What do you want to do?",
      hint: "Select one option",
      error: "Select what you want to do",
      defaultValue: "opt-in",
      legendIsPageHeading: true,
      options: [
        { value: "opt-out", label: "Opt out" },
        { value: "opt-in", label: "Opt in", hint: "See your full record" },
        { value: "other", label: "Something else" },
      ],
    }),
  );

  it("gives the first radio the field name as its id, so the error summary can link to it", () => {
    const ids = [...html.matchAll(/<input[^>]*id="([^"]*)"/g)].map((match) => match[1]);
    expect(ids).toEqual(["choice", "choice-2", "choice-3"]);
    for (const id of ids) expect(html).toContain(`for="${id}"`);
  });

  it("describes the fieldset by hint and error, and checks the default", () => {
    expect(attribute(html, /<fieldset[^>]*>/, "aria-describedby")).toBe("choice-hint choice-error");
    expect(html).toContain('class="nhsuk-form-group nhsuk-form-group--error"');
    expect(html).toMatch(/<input[^>]*id="choice-2"[^>]*checked=""/);
    expect(html).toContain('<h1 class="nhsuk-fieldset__heading">What do you want to do?</h1>');
    expect(html).toContain('aria-describedby="choice-2-item-hint"');
  });
});

describe("Button", () => {
  it("renders a submit button with the variant class and no data-module", () => {
    const html = render(h(Button, { variant: "warning", name: "intent", value: "delete", children: "Delete" }));
    expect(html).toBe(
      '<button class="nhsuk-button nhsuk-button--warning" type="submit" name="intent" value="delete">Delete</button>',
    );
  });
});

describe("SummaryList and Table", () => {
  it("marks rows without an action when other rows have one", () => {
    const html = render(
      h(SummaryList, {
        rows: [
          { key: "Name", value: "Karen Francis", action: h("a", { href: "/change" }, "Change") },
          { key: "NHS number", value: "999 123 4567" },
        ],
      }),
    );
    expect(html).toContain('<dd class="nhsuk-summary-list__actions"><a href="/change">Change</a></dd>');
    expect(html).toContain('class="nhsuk-summary-list__row nhsuk-summary-list__row--no-actions"');
  });

  it("renders a captioned table with column headers", () => {
    const html = render(h(Table, { caption: "Requests", captionSize: "m", head: ["A", "B"], rows: [["1", "2"]] }));
    expect(html).toContain('<caption class="nhsuk-table__caption nhsuk-table__caption--m">Requests</caption>');
    expect(html).toContain('<th class="nhsuk-table__header" scope="col">A</th>');
    expect(html).toContain('<td class="nhsuk-table__cell">2</td>');
  });
});

describe("callouts", () => {
  it("labels the success banner by its title and gives it role alert", () => {
    const html = render(h(NotificationBanner, { success: true, children: h("p", null, "Saved") }));
    expect(html).toContain('role="alert"');
    const labelledBy = attribute(html, /<div[^>]*nhsuk-notification-banner--success[^>]*>/, "aria-labelledby");
    expect(html).toContain(`id="${labelledBy}">Success</h2>`);
  });

  it("prefixes a warning heading with a hidden 'Important:' unless it already says so", () => {
    expect(render(h(WarningCallout, { heading: "Check the record", children: "x" }))).toContain(
      '<span class="nhsuk-u-visually-hidden">Important: </span>Check the record',
    );
    expect(render(h(WarningCallout, { heading: "Important", children: "x" }))).not.toContain("Important: ");
  });
});

describe("pageTitle", () => {
  it("prefixes 'Error: ' only when there are errors", () => {
    expect(pageTitle("Your details", true)).toBe("Error: Your details");
    expect(pageTitle("Your details", false)).toBe("Your details");
  });
});

describe("errorList", () => {
  it("puts form errors first, then the first message of each field in page order", () => {
    const items = errorList(
      { postcode: ["Enter a postcode", "Postcode too long"], nhsNumber: ["Enter your NHS number"] },
      ["Your details could not be matched"],
      ["nhsNumber", "dateOfBirth", "postcode"],
    );
    expect(items).toEqual([
      { message: "Your details could not be matched" },
      { fieldId: "nhsNumber", message: "Enter your NHS number" },
      { fieldId: "postcode", message: "Enter a postcode" },
    ]);
  });

  it("still lists a field missing from the order, last", () => {
    const items = errorList({ extra: ["Bad"], a: ["Enter a"] }, [], ["a"]);
    expect(items.map((item) => item.fieldId)).toEqual(["a", "extra"]);
  });

  it("accepts zod's flattened errors directly", () => {
    const schema = z.object({ email: z.email("Enter an email address"), name: z.string().min(1, "Enter your name") });
    const result = schema.safeParse({ email: "nope", name: "" });
    expect(result.success).toBe(false);
    if (result.success) return;
    const { formErrors, fieldErrors } = z.flattenError(result.error);
    expect(errorList(fieldErrors, formErrors, ["name", "email"])).toEqual([
      { fieldId: "name", message: "Enter your name" },
      { fieldId: "email", message: "Enter an email address" },
    ]);
    expect(firstError(fieldErrors, "email")).toBe("Enter an email address");
    expect(firstError(fieldErrors, "missing")).toBeUndefined();
  });
});
