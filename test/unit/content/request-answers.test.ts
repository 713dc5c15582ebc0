import React from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RequestAnswers } from "../../../app/components/request-answers";
import { SafeContactQuestions } from "../../../app/components/safe-contact-questions";
import { ANSWER_QUESTIONS, answerRows, answerWords, staffEntryRows } from "../../../app/content/request-answers";
import { requestsContent } from "../../../app/content/requests";
import { identityMethodNames, newRequestContent } from "../../../app/content/review-queue";
import { DETAILS_FIELDS, QUESTION_FIELDS } from "../../../app/domain/request-forms";
import { REQUEST_KINDS, STAFF_CHANNELS, STAFF_IDENTITY_CHECKS } from "../../../app/domain/request-workflow";
import { DetailsStep, KindQuestions } from "../../../app/routes/requests.new";

// The staff view shows each answer under the question its form asked and in
// the words the sender chose (DESIGN §2). The forms are rendered here, and
// every question and option label is read from their html, so a form whose
// words change and a staff view that does not would fail.

const h = React.createElement;
const decode = (html: string) =>
  html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const textOf = (html: string) => decode(html.replace(/<[^>]+>/g, "\n")).split("\n").map((t) => t.trim()).filter(Boolean);

/** Each radio on a rendered form: its name, stored value and the label the sender read. */
function radiosOf(html: string): { name: string; value: string; label: string }[] {
  const radios = [...html.matchAll(/<input[^>]*name="([^"]+)"[^>]*type="radio"[^>]*value="([^"]*)"[^>]*>\s*<label[^>]*>([\s\S]*?)<\/label>/g)];
  return radios.map(([, name, value, label]) => ({ name: name!, value: decode(value!), label: decode(label!.replace(/<[^>]+>/g, "")).trim() }));
}

const noErrors = {};
const detailsHtml = renderToStaticMarkup(h(DetailsStep, { values: {}, fieldErrors: noErrors }));
const kindHtml = Object.fromEntries(REQUEST_KINDS.map((kind) => [kind, renderToStaticMarkup(h(KindQuestions, { kind, values: {}, fieldErrors: noErrors }))]));
const startPageOptions = requestsContent.start.kinds.map((k) => ({ name: "kind", value: k.value, label: k.label }));

/** What the staff form stores (services/staff-requests.server.ts), besides the safe-contact answers it shares with the online form. */
const STAFF_KEYS = ["identityCheck", "notes"] as const;

/** A value of the right sort for every key a form can store. */
const sample: Record<string, string> = {
  kind: "opt-in",
  givenName: "Ann",
  familyName: "O'Brien",
  dateOfBirthDay: "3",
  dateOfBirthMonth: "3",
  dateOfBirthYear: "2019",
  postcode: "ls1 4ap",
  nhsNumber: "9434765919",
  email: "ann@example.org",
  mobile: "07700 900982",
  optOutScope: "keep-appointments-and-prescriptions",
  declarationUpsetting: "yes",
  declarationLoginSafe: "yes",
  declarationTellPractice: "yes",
  contactWay: "phone",
  contactPhone: "+441134960000",
  contactTime: "Weekday mornings",
  withdrawConfirm: "yes",
  identityCheck: "photo-id",
  notes: "Rang on Tuesday",
};

const storableKeys = [...new Set(["kind", ...DETAILS_FIELDS, ...Object.values(QUESTION_FIELDS).flat(), ...STAFF_KEYS])];

describe("answerRows", () => {
  it("has a sample for every key the forms store, and a question for every one of them", () => {
    for (const key of storableKeys) expect(sample[key], key).toBeDefined();
    const known = new Set([...Object.keys(ANSWER_QUESTIONS), "dateOfBirthDay", "dateOfBirthMonth", "dateOfBirthYear"]);
    for (const key of storableKeys) expect(known.has(key), `${key} has a question`).toBe(true);
    // No row falls back to a raw key as its question.
    for (const row of answerRows(sample)) expect(storableKeys).not.toContain(row.question);
  });

  it("asks each patient question in the words the online form shows", () => {
    const formText = new Set([...textOf(detailsHtml), ...REQUEST_KINDS.flatMap((k) => textOf(kindHtml[k]!)), requestsContent.start.legend, requestsContent.kindChoice.title]);
    const patientKeys = storableKeys.filter((k) => !(STAFF_KEYS as readonly string[]).includes(k));
    const rows = answerRows(Object.fromEntries(patientKeys.map((k) => [k, sample[k]!])));
    expect(rows).toHaveLength(patientKeys.length - 2); // the three date boxes make one row
    for (const row of rows) expect(formText.has(row.question), `"${row.question}" is on the form`).toBe(true);
  });

  it("asks staff's questions in the words the staff form shows", () => {
    const rows = answerRows({ identityCheck: "vouched", notes: "Came in with her daughter" });
    expect(rows).toEqual([
      { question: newRequestContent.identityLegend, answer: newRequestContent.identityCheckNames.vouched },
      { question: newRequestContent.notesLabel, answer: "Came in with her daughter" },
    ]);
    // The safe-contact questions staff ask are the online form's own.
    const staffContactText = textOf(renderToStaticMarkup(h(SafeContactQuestions, { values: {}, fieldErrors: {} })));
    for (const row of answerRows({ contactWay: "phone", contactPhone: "+447700900123", contactTime: "Evenings" })) {
      expect(staffContactText).toContain(row.question);
    }
  });

  it("shows every option of every radio by the label the sender read, never its stored value", () => {
    const radios = [...startPageOptions, ...REQUEST_KINDS.flatMap((k) => radiosOf(kindHtml[k]!))];
    expect(radios.map((r) => r.name).sort()).toEqual(["contactWay", "contactWay", "contactWay", "kind", "kind", "kind", "optOutScope", "optOutScope"]);
    for (const radio of radios) {
      const rows = answerRows({ [radio.name]: radio.value });
      expect(rows, `${radio.name}=${radio.value}`).toHaveLength(1);
      expect(rows[0]!.answer).toBe(radio.label);
      expect(rows[0]!.answer).not.toBe(radio.value);
    }
  });

  it("shows every identity check and channel on the staff form by the words staff chose", () => {
    for (const check of STAFF_IDENTITY_CHECKS) {
      const [row] = answerRows({ identityCheck: check });
      expect(row!.answer).toBe(newRequestContent.identityCheckNames[check]);
      expect(row!.answer).not.toBe(check);
    }
    for (const channel of STAFF_CHANNELS) {
      const [row] = staffEntryRows({ channel, takenBy: "Rita Reception" });
      expect(row).toEqual({ question: newRequestContent.channelLegend, answer: newRequestContent.channelNames[channel] });
    }
    // An older submission's identity check outside the staff form's choices reads by its name.
    expect(answerRows({ identityCheck: "nhs-login" })[0]!.answer).toBe(identityMethodNames["nhs-login"]);
  });

  it("shows a ticked declaration as its whole sentence and a confirmation, never 'yes'", () => {
    const rows = answerRows({ declarationTellPractice: "yes", withdrawConfirm: "yes" });
    expect(rows).toEqual([
      { question: "I will tell my GP practice if something in my record is wrong or is about someone else", answer: answerWords.ticked },
      { question: "I now want to see new entries in my GP health record online", answer: answerWords.ticked },
    ]);
    expect(answerWords.ticked.toLowerCase()).not.toBe("yes");
  });

  it("reads the date of birth as a date, the NHS number spaced, the phone number as the UK writes it, free text as typed", () => {
    const rows = Object.fromEntries(answerRows(sample).map((r) => [r.question, r.answer]));
    expect(rows[requestsContent.details.dateOfBirth]).toBe("3 March 2019");
    expect(rows[requestsContent.details.nhsNumber]).toBe("943 476 5919");
    expect(rows[requestsContent.questions["opt-in"].contactPhone]).toBe("0113 496 0000");
    expect(rows[requestsContent.details.familyName]).toBe("O'Brien");
    expect(rows[requestsContent.details.postcode]).toBe("ls1 4ap");
    expect(rows[requestsContent.questions["opt-in"].contactTime]).toBe("Weekday mornings");
  });

  it("says what was not given, and what no form offers, rather than showing a blank or a bare code", () => {
    const rows = answerRows({ nhsNumber: "", email: "", mobile: " ", contactWay: "carrier-pigeon" });
    expect(rows.map((r) => r.answer)).toEqual([answerWords.notGiven, answerWords.notGiven, answerWords.notGiven, answerWords.notAnOption("carrier-pigeon")]);
  });

  it("keeps the form's order whatever order the answers were stored in, and puts unknown keys last under their own name", () => {
    const rows = answerRows({ notes: "n", contactTime: "t", legacyField: "x", familyName: "f", kind: "opt-out", contactWay: "letter" });
    expect(rows.map((r) => r.question)).toEqual([
      requestsContent.start.legend,
      requestsContent.details.familyName,
      requestsContent.questions["opt-in"].contactWay,
      requestsContent.questions["opt-in"].contactTime,
      newRequestContent.notesLabel,
      "legacyField",
    ]);
  });

  it("leaves out a number typed before the patient chose another safe way", () => {
    expect(answerRows({ contactWay: "letter", contactPhone: "0113 496 0000" }).map((r) => r.answer)).toEqual(["Letter"]);
  });
});

describe("RequestAnswers", () => {
  it("renders a table of the rows, staff's entry first, every answer escaped", () => {
    const html = renderToStaticMarkup(
      h(RequestAnswers, {
        caption: "Submission 1",
        answers: [
          ["declarationTellPractice", "yes"],
          ["identityCheck", "photo-id"],
          ["notes", "<b>rang</b>"],
        ],
        staffEntry: { channel: "phone", takenBy: "Rita Reception", enteredBy: "Dr Clare Clinician" },
        extraRows: [{ question: "Reference shown to the sender", answer: "RQ-AAAA-2222" }],
      }),
    );
    const text = textOf(html);
    expect(text).toEqual([
      "Submission 1",
      ...answerWords.head,
      newRequestContent.channelLegend,
      newRequestContent.channelNames.phone,
      newRequestContent.takenByLabel,
      "Rita Reception",
      answerWords.enteredBy,
      "Dr Clare Clinician",
      newRequestContent.identityLegend,
      newRequestContent.identityCheckNames["photo-id"],
      "I will tell my GP practice if something in my record is wrong or is about someone else",
      answerWords.ticked,
      newRequestContent.notesLabel,
      "<b>rang</b>",
      "Reference shown to the sender",
      "RQ-AAAA-2222",
    ]);
    expect(html).not.toContain("<b>");
    expect(html).not.toMatch(/>yes</);
  });
});
