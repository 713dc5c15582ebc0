import { useEffect, useRef, type ReactNode } from "react";

/**
 * Makes the conditional content of the radios inside it (RadiosWithConditionals) a reveal, as
 * nhsuk-frontend's radios script does: once the page's JavaScript runs, each option's content shows
 * only while its option is chosen, and the option says which content it controls. Without
 * JavaScript every option's content stays shown, so the form still works; the server checks a
 * revealed field only when its option was chosen.
 */
export function ConditionalReveal({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const sync = () => {
      for (const input of root.querySelectorAll<HTMLInputElement>("input.nhsuk-radios__input")) {
        const content = document.getElementById(`conditional-${input.id}`);
        if (!content || !root.contains(content)) continue;
        input.setAttribute("aria-controls", content.id);
        content.hidden = !input.checked;
      }
    };
    sync();
    root.addEventListener("change", sync);
    // A page restored from the back-forward cache gets its radios back after scripts run.
    window.addEventListener("pageshow", sync);
    return () => {
      root.removeEventListener("change", sync);
      window.removeEventListener("pageshow", sync);
    };
  }, []);
  return <div ref={ref}>{children}</div>;
}
