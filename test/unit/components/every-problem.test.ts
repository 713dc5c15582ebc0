import React from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { allMessages, everyProblem } from "../../../app/components/every-problem";
import { ErrorSummary } from "../../../app/components/forms";

// The registration letters page: a batch refused for several rows lists every row, not the first.

const ORDER = ["nhsNumber", "accountId", "linkageKey", "registrationFile"];

describe("everyProblem", () => {
  const rows = [
    "Row 3: Jane Smith cannot be sent a registration letter: they have an active 104, so a clinician must grant access before a registration letter is sent.",
    "Row 4: Rosa Reyes cannot be sent a registration letter: a clinician has confirmed them at risk in the at-risk review, so a clinician must grant access before a registration letter is sent.",
    "Row 5: Mia Patel cannot be sent a registration letter: they are under 16.",
  ];

  it("lists each problem of a field, each linking to it, in the page's order after the form's own", () => {
    expect(everyProblem({ registrationFile: rows, nhsNumber: ["Enter a valid 10-digit NHS number"], other: ["x"] }, ["Try again"], ORDER)).toEqual([
      { message: "Try again" },
      { fieldId: "nhsNumber", message: "Enter a valid 10-digit NHS number" },
      ...rows.map((message) => ({ fieldId: "registrationFile", message })),
      { fieldId: "other", message: "x" },
    ]);
  });

  it("shows every row in the error summary a member of staff reads", () => {
    const html = renderToStaticMarkup(React.createElement(ErrorSummary, { errors: everyProblem({ registrationFile: rows }, [], ORDER) }));
    for (const row of rows) expect(html).toContain(row.replace(/'/g, "&#x27;"));
    expect(html.match(/<li/g)).toHaveLength(3);
  });

  it("gives a field all of its messages, or none", () => {
    expect(allMessages({ registrationFile: rows }, "registrationFile")).toBe(rows.join(" "));
    expect(allMessages({ registrationFile: [] }, "registrationFile")).toBeUndefined();
    expect(allMessages(undefined, "nhsNumber")).toBeUndefined();
  });
});
