import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { safeReturnTo } from "../auth/guard.server";
import { MainContent } from "../components/page-chrome";
import { httpEdgeContent } from "../content/http-edge";

// Where a link from another website to a staff page that records what it
// shows lands first (requireStaff's `writesAudit`). Following the link below
// is then a navigation from the portal's own page, so one click carries on,
// and a page on another site cannot look up a patient in someone's name.

const content = httpEdgeContent.crossSite;

export const handle = { title: content.title };

export function loader({ request }: LoaderFunctionArgs) {
  return { to: safeReturnTo(new URL(request.url).searchParams.get("to")) };
}

export default function ContinuePage() {
  const { to } = useLoaderData<typeof loader>();
  return (
    <MainContent>
      <h1>{content.title}</h1>
      <p>{content.body}</p>
      <p>
        <a href={to}>{content.continueTo(to)}</a>
      </p>
    </MainContent>
  );
}
