import type { LinksFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import nhsukStyles from "nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css?url";
import appStyles from "./styles/app.css?url";
import { useDocumentTitle } from "./components/document-title";
import { useNonce } from "./components/nonce";
import { Footer, Header, MainContent, SkipLink } from "./components/page-chrome";
import { site } from "./content/site";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: nhsukStyles },
  { rel: "stylesheet", href: appStyles },
  { rel: "icon", href: "/assets/images/favicon.svg", type: "image/svg+xml" },
];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const title = useDocumentTitle();
  const staff = useLocation().pathname.startsWith("/staff");
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <Meta />
        <Links />
      </head>
      <body>
        <SkipLink />
        <Header serviceName={staff ? site.staffServiceName : site.serviceName} homeHref={staff ? "/staff" : "/"} />
        {children}
        <Footer />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const [title, body] =
    status === 404
      ? [site.notFoundTitle, site.notFoundBody]
      : status === 403
        ? [site.forbiddenTitle, site.forbiddenBody]
        : [site.errorTitle, site.errorBody];
  return (
    <MainContent>
      <h1>{title}</h1>
      <p>{body}</p>
    </MainContent>
  );
}
