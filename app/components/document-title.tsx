import { useMatches, isRouteErrorResponse } from "@remix-run/react";
import { useContext } from "react";
// Remix's meta functions cannot see action data, but the page title must
// gain "Error: " when a submitted form comes back with errors (NHS pattern).
// The router's state holds both, so the title is worked out from it here.
import { UNSAFE_DataRouterStateContext } from "react-router";
import { site } from "../content/site";
import { pageTitle } from "./forms";

/**
 * Routes name their page in `handle`: from their loader data if need be, and
 * from their action data for a form that moves through steps on one route.
 */
export interface TitleHandle {
  title: string | ((data: never, actionData: never) => string);
}

function hasFormErrors(value: unknown): boolean {
  if (!value || typeof value !== "object") return false;
  const v = value as { formErrors?: unknown[]; fieldErrors?: Record<string, unknown[] | undefined> };
  return (v.formErrors?.length ?? 0) > 0 || Object.values(v.fieldErrors ?? {}).some((e) => (e?.length ?? 0) > 0);
}

export function useDocumentTitle(): string {
  const matches = useMatches();
  const state = useContext(UNSAFE_DataRouterStateContext);
  const routeError = state?.errors ? Object.values(state.errors)[0] : undefined;
  if (routeError !== undefined) {
    if (isRouteErrorResponse(routeError) && routeError.status === 404) return site.notFoundTitle;
    if (isRouteErrorResponse(routeError) && routeError.status === 403) return site.forbiddenTitle;
    return site.errorTitle;
  }
  const leaf = [...matches].reverse().find((m) => (m.handle as TitleHandle | undefined)?.title);
  const handle = leaf?.handle as TitleHandle | undefined;
  const title = handle
    ? typeof handle.title === "function"
      ? (handle.title as (data: unknown, actionData: unknown) => string)(leaf!.data, state?.actionData?.[leaf!.id])
      : handle.title
    : site.serviceName;
  const errors = Object.values(state?.actionData ?? {}).some(hasFormErrors);
  return pageTitle(title, errors);
}
