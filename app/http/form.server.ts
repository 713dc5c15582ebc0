import { data } from "@remix-run/node";
import { z } from "zod";
import { httpEdgeContent } from "../content/http-edge";

export interface FormErrors {
  formErrors: string[];
  fieldErrors: Partial<Record<string, string[]>>;
  /** What was typed (never passwords), to fill the form again. */
  values: Record<string, string>;
}

/**
 * Reads a posted form with its one zod schema. On failure, the 400 that
 * feeds the NHS error summary and the per-field messages.
 */
export async function parseForm<S extends z.ZodType>(
  request: Request,
  schema: S,
): Promise<{ ok: true; data: z.infer<S>; form: FormData } | { ok: false; response: ReturnType<typeof formError> }> {
  const form = await readFormData(request);
  if (!form) return { ok: false, response: formError({ formErrors: [httpEdgeContent.formUnreadable] }) };
  const result = schema.safeParse(Object.fromEntries(form));
  if (result.success) return { ok: true, data: result.data, form };
  const { formErrors, fieldErrors } = z.flattenError(result.error);
  return { ok: false, response: formError({ formErrors, fieldErrors: fieldErrors as FormErrors["fieldErrors"] }, form) };
}

/**
 * The posted form, or null when its body cannot be read as one (no content
 * type, a broken multipart body): a 400 for the sender, never a 500.
 * server/app.ts already refuses bodies that are not forms; this is the same
 * rule where the form is read.
 */
export async function readFormData(request: Request): Promise<FormData | null> {
  try {
    return await request.formData();
  } catch (error) {
    if (error instanceof TypeError) return null;
    throw error;
  }
}

export function formError(errors: Partial<Omit<FormErrors, "values">>, form?: FormData) {
  const values: Record<string, string> = {};
  for (const [key, value] of form ?? []) {
    if (typeof value === "string" && !/password|code/i.test(key)) values[key] = value;
  }
  return data<FormErrors>({ formErrors: errors.formErrors ?? [], fieldErrors: errors.fieldErrors ?? {}, values }, { status: 400 });
}

/** The same 400, for errors worked out elsewhere with the values that may be shown again. */
export function problemsResponse(errors: FormErrors) {
  return data<FormErrors>(errors, { status: 400 });
}
