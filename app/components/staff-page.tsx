import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { staffContent } from "../content/staff";
import { can } from "../domain/permissions";
import type { StaffRole } from "../domain/roles";
import { roleNames } from "../content/staff";
import { MainContent } from "./page-chrome";

/** What every signed-in staff page knows about who is looking. */
export interface StaffViewer {
  name: string;
  role: StaffRole;
  practiceName: string;
  odsCode: string;
  practiceCount: number;
  /** Mail goes to the development catcher (no SMTP_URL), so its page is there to link to. */
  developmentMail: boolean;
}


export function toViewer(context: {
  user: { name: string };
  role: StaffRole;
  practice: { name: string; odsCode: string };
  memberships: unknown[];
  developmentMail: boolean;
}): StaffViewer {
  return {
    name: context.user.name,
    role: context.role,
    practiceName: context.practice.name,
    odsCode: context.practice.odsCode,
    practiceCount: context.memberships.length,
    developmentMail: context.developmentMail,
  };
}

/** The signed-in staff layout: whose practice, the sections their role may use, sign out. */
export function StaffPage({ viewer, children }: { viewer: StaffViewer; children: ReactNode }) {
  const links = [
    { href: "/staff", label: staffContent.nav.home, show: true },
    { href: "/staff/requests", label: staffContent.nav.requests, show: can(viewer.role, "work-queue") },
    { href: "/staff/patients", label: staffContent.nav.patients, show: can(viewer.role, "view-patient") },
    { href: "/staff/team", label: staffContent.nav.team, show: can(viewer.role, "manage-staff") },
    { href: "/staff/import", label: staffContent.nav.importPatients, show: can(viewer.role, "import-patients") },
    { href: "/staff/campaigns", label: staffContent.nav.campaigns, show: can(viewer.role, "run-campaigns") },
    { href: "/staff/letters", label: staffContent.nav.letters, show: can(viewer.role, "print-letters") },
    { href: "/staff/reports", label: staffContent.nav.reports, show: can(viewer.role, "view-reports") },
    {
      href: "/staff/mail",
      label: staffContent.nav.developmentMail,
      show: viewer.developmentMail && can(viewer.role, "view-development-mail"),
    },
    { href: "/staff/exports", label: staffContent.nav.exports, show: can(viewer.role, "export-remediation") },
    { href: "/staff/audit", label: staffContent.nav.audit, show: can(viewer.role, "view-audit") },
    { href: "/staff/account", label: staffContent.nav.account, show: true },
  ].filter((l) => l.show);
  return (
    <MainContent>
      <nav aria-label="Staff sections" className="nhsuk-u-margin-bottom-5">
        <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">
          {viewer.practiceName} ({viewer.odsCode}) · {viewer.name}, {roleNames[viewer.role]}
          {viewer.practiceCount > 1 ? (
            <>
              {" · "}
              <a href="/staff/practice">{staffContent.nav.switchPractice}</a>
            </>
          ) : null}
        </p>
        <ul className="app-staff-nav__list">
          {links.map((l) => (
            <li key={l.href}>
              <a href={l.href}>{l.label}</a>
            </li>
          ))}
          <li>
            <Form method="post" action="/staff/sign-out">
              <button type="submit" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small">
                {staffContent.nav.signOut}
              </button>
            </Form>
          </li>
        </ul>
      </nav>
      {children}
    </MainContent>
  );
}
