import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireStaff } from "../auth/guard.server";
import { Table } from "../components/forms";
import { StaffPage, toViewer } from "../components/staff-page";
import { staffContent } from "../content/staff";
import { ACCESS_STATES } from "../domain/access-state";
import { countPatientsByState } from "../services/dashboard.server";

const content = staffContent.home;

export const handle = { title: content.title };

export async function loader({ request }: LoaderFunctionArgs) {
  const context = await requireStaff(request, "view-dashboard");
  return { viewer: toViewer(context), counts: await countPatientsByState(context) };
}

export default function StaffHomePage() {
  const { viewer, counts } = useLoaderData<typeof loader>();
  const asOf = new Date(`${counts.asOf}T12:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  return (
    <StaffPage viewer={viewer}>
      <h1>{content.title}</h1>
      <h2>{content.countsHeading}</h2>
      <Table
        caption={content.countsCaption(asOf)}
        captionSize="s"
        head={["Access state", "Patients"]}
        rows={[
          ...ACCESS_STATES.map((state) => [content.stateNames[state], counts.byState[state].toLocaleString("en-GB")]),
          [<strong key="t">{content.total}</strong>, <strong key="n">{counts.eligible.toLocaleString("en-GB")}</strong>],
        ]}
      />
    </StaffPage>
  );
}
