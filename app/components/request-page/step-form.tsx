import { Form } from "@remix-run/react";
import type { ReactNode } from "react";

/** A form that takes one step on the request, at the version the page showed. */
export function StepForm({ intent, version, children }: { intent: string; version: number; children: ReactNode }) {
  return (
    <Form method="post" className="nhsuk-u-margin-bottom-5">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="version" value={String(version)} />
      {children}
    </Form>
  );
}
