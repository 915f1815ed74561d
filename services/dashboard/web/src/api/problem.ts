import i18n from "../i18n/i18n";
import { currentLanguage } from "../i18n/language";

/** An RFC 9457 problem as the dashboard sends it; `errors` lists a 422's fields. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
  /** Why a refusal happened, where the client acts on it (e.g. "already_confirmed"). */
  reason?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.status = problem.status;
    this.problem = problem;
  }

  /** The messages the API gave for one form field. */
  fieldErrors(field: string): string[] {
    return (this.problem.errors ?? []).filter((e) => e.field === field).map((e) => e.message);
  }
}

/** A form field's messages in a failed submission's problem (none for any other error). */
export function fieldErrors(error: unknown, field: string): string[] {
  return error instanceof ApiError ? error.fieldErrors(field) : [];
}

function isProblem(body: unknown): body is Problem {
  return typeof body === "object" && body !== null && "status" in body && "title" in body;
}

export function toApiError(body: unknown, response: Response): ApiError {
  if (isProblem(body)) return new ApiError(body);
  return new ApiError({
    title: response.statusText || "Error",
    status: response.status,
    detail: i18n.t("ui.errors.serverAnswered", { status: response.status }),
  });
}

/** The data of an openapi-fetch result, or its problem thrown as an ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result;
  try {
    result = await call;
  } catch {
    throw new ApiError({
      title: "Offline",
      status: 0,
      detail: i18n.t("ui.errors.offline"),
    });
  }
  const { data, error, response } = result;
  if (!response.ok) throw toApiError(error, response);
  return data as T;
}

export function isStatus(error: unknown, status: number): boolean {
  return error instanceof ApiError && error.status === status;
}

/** The answer to a deleted account's session or token, in this tab or another. */
export function isAccountDeleted(error: unknown): boolean {
  return isStatus(error, 401) && error instanceof ApiError && error.problem.title === "Account deleted";
}

/** A failed request's status worded where it happened ("the email or password is wrong"
 * for a login's 401), when the API's own words are not in the language shown. */
export type StatusWords = Partial<Record<number, string>>;

/** What to tell a runner about a failed request. The API writes its problems in English,
 * for runners: shown as they are in English; in another language a problem is worded by
 * its status, in the form's words (`inContext`) or in general ones. */
export function describeError(error: unknown, inContext: StatusWords = {}): string {
  if (error instanceof ApiError) {
    if (error.status === 503)
      return i18n.t("ui.errors.unavailable");
    if (currentLanguage() === "en") return error.problem.detail || error.problem.title;
    const general = `ui.problem.${error.status}`;
    return inContext[error.status] ?? (i18n.exists(general) ? i18n.t(general) : i18n.t("ui.errors.unknown"));
  }
  return i18n.t("ui.errors.unknown");
}
