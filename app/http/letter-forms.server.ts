import { z } from "zod";
import { httpEdgeContent } from "../content/http-edge";
import { registrationPageContent, messageLetterPageContent } from "../content/letters";
import { MAX_KEY_LENGTH } from "../domain/letters";
import { CAMPAIGN_TEMPLATE_KEYS, type CampaignTemplateKey } from "../domain/message-templates";
import { parseNhsNumber } from "../domain/nhs-number";
import { readRegistrationCsv, type LetterProblem, type RegistrationRow } from "../services/letters.server";
import { UPLOADS } from "./body-limits";
import { readFormData, type FormErrors } from "./form.server";
import { receiveSmallTextUpload } from "./upload.server";

// The letters forms, read the same way by the page that shows their problems
// and by the .pdf route that answers with the letters: a form posts to the
// .pdf route, which sends it back (307, the same POST) to the page when
// anything is wrong. Registration keys are never sent back to the page.

/** The form's input, or its problems with the values that may be shown again (never a key). */
export type ReadForm<T> = { ok: true; input: T } | { ok: false; problems: FormErrors };

export interface RegistrationForm {
  rows: RegistrationRow[];
  largePrint: boolean;
  /** From a file, rather than one patient typed in. */
  fromFile: boolean;
}

const errors = registrationPageContent.errors;

function oneLetterSchema(keyName: string) {
  const key = (missing: string) => z.string().trim().min(1, { error: missing }).max(MAX_KEY_LENGTH, { error: errors.tooLong });
  return z.object({
    nhsNumber: z.string().refine((v) => parseNhsNumber(v).ok, { error: errors.nhsNumber }),
    accountId: key(errors.accountId),
    linkageKey: key(errors.linkageKey(keyName)),
    largePrint: z.literal("yes").optional(),
  });
}

/** A batch's problems belong to the file field; one patient's to the field they name. */
export function problemsOfLetters(problems: LetterProblem[], fromFile: boolean, values: Record<string, string> = {}): FormErrors {
  if (fromFile) return { formErrors: [], fieldErrors: { registrationFile: problems.map((p) => p.message) }, values };
  const fieldErrors: Record<string, string[]> = {};
  for (const p of problems) (fieldErrors[p.field ?? "nhsNumber"] ??= []).push(p.message.replace(/^Row \d+: /, ""));
  return { formErrors: [], fieldErrors, values };
}

export async function readRegistrationForm(request: Request, keyName: string): Promise<ReadForm<RegistrationForm>> {
  // Media types are case-insensitive: "Multipart/Form-Data" is a multipart form too.
  if (/^multipart\/form-data/i.test(request.headers.get("content-type") ?? "")) {
    const received = await receiveSmallTextUpload(request, { field: "registrationFile", maxBytes: UPLOADS.registrationKeys.fileBytes });
    const fileProblem = (message: string): ReadForm<RegistrationForm> => ({ ok: false, problems: { formErrors: [], fieldErrors: { registrationFile: [message] }, values: {} } });
    if (!received.ok) return fileProblem(received.problem === "too-large" ? errors.tooLarge : errors.notAForm);
    if (received.text === null) return fileProblem(errors.noFile);
    const read = readRegistrationCsv(received.text);
    if (!read.ok) return { ok: false, problems: problemsOfLetters(read.problems, true) };
    return { ok: true, input: { rows: read.rows, largePrint: received.fields.get("batchLargePrint") === "yes", fromFile: true } };
  }
  const form = await readFormData(request);
  if (!form) return { ok: false, problems: { formErrors: [httpEdgeContent.formUnreadable], fieldErrors: {}, values: {} } };
  const values = { nhsNumber: String(form.get("nhsNumber") ?? "") };
  const parsed = oneLetterSchema(keyName).safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const { formErrors, fieldErrors } = z.flattenError(parsed.error);
    return { ok: false, problems: { formErrors, fieldErrors, values } };
  }
  const { largePrint, ...row } = parsed.data;
  return { ok: true, input: { rows: [{ row: 2, ...row }], largePrint: largePrint === "yes", fromFile: false } };
}

export interface MessageForm {
  nhsNumber: string;
  templateKey: CampaignTemplateKey;
  largePrint: boolean;
}

const messageSchema = z.object({
  nhsNumber: z
    .string()
    .transform((v) => parseNhsNumber(v))
    .refine((v) => v.ok, { error: messageLetterPageContent.errors.nhsNumber })
    .transform((v) => (v.ok ? v.value : "")),
  templateKey: z.enum(CAMPAIGN_TEMPLATE_KEYS, { error: messageLetterPageContent.errors.template }),
  largePrint: z.literal("yes").optional(),
});

export async function readMessageForm(request: Request): Promise<ReadForm<MessageForm>> {
  const form = await readFormData(request);
  if (!form) return { ok: false, problems: { formErrors: [httpEdgeContent.formUnreadable], fieldErrors: {}, values: {} } };
  const values = Object.fromEntries([...form].filter((e): e is [string, string] => typeof e[1] === "string"));
  const parsed = messageSchema.safeParse(values);
  if (!parsed.success) {
    const { formErrors, fieldErrors } = z.flattenError(parsed.error);
    return { ok: false, problems: { formErrors, fieldErrors, values } };
  }
  return { ok: true, input: { nhsNumber: parsed.data.nhsNumber, templateKey: parsed.data.templateKey, largePrint: parsed.data.largePrint === "yes" } };
}
