import { z } from "zod";
import { reportsContent } from "../content/reports";
import type { FormErrors } from "./form.server";

// The letter-to-the-commissioner form, read the same way by the .pdf route and by the reports
// page it sends the POST back to when something is wrong.

const schema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/, { error: reportsContent.problems.month }),
  addressee: z
    .string()
    .transform((v) => v.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).slice(0, 8))
    .refine((lines) => lines.length > 0, { error: reportsContent.addresseeMissing }),
});

export async function readCommissionerLetterForm(
  request: Request,
): Promise<{ ok: true; input: { month: string; addressee: string[] } } | { ok: false; problems: FormErrors }> {
  const form = await request.formData();
  const values = { month: String(form.get("month") ?? ""), addressee: String(form.get("addressee") ?? "").slice(0, 1000) };
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const { formErrors, fieldErrors } = z.flattenError(parsed.error);
    return { ok: false, problems: { formErrors, fieldErrors, values } };
  }
  return { ok: true, input: parsed.data };
}
