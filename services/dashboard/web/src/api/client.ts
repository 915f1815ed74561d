import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema.gen";

export type { Me, Profile, RaceRead, RunRead, RunSummary, Schemas, StatsBucket } from "./types";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
export const CSRF_COOKIE = "runnerly_csrf";

export function readCookie(name: string, cookies = document.cookie): string | null {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/** Headers every unsafe request carries: the CSRF token the dashboard checks against its cookie. */
export function csrfHeaders(method: string): Record<string, string> {
  const token = readCookie(CSRF_COOKIE);
  return UNSAFE.has(method.toUpperCase()) && token ? { "X-CSRF-Token": token } : {};
}

const csrf: Middleware = {
  onRequest({ request }) {
    for (const [key, value] of Object.entries(csrfHeaders(request.method))) {
      request.headers.set(key, value);
    }
    return request;
  },
};

/** The typed client generated from contracts/dashboard.json; the session cookie rides along. */
export const api = createClient<paths>({
  baseUrl: window.location.origin,
  credentials: "same-origin",
  // Looked up at each call, so tests can stand in for the network.
  fetch: (request) => globalThis.fetch(request),
});
api.use(csrf);
