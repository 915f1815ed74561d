import { matchPath } from "react-router";

/** Each route's page title: "Runs — Runnerly". */
const TITLES: [pattern: string, title: string][] = [
  ["/", "Home"],
  ["/signup", "Sign up"],
  ["/confirm", "Confirm your account"],
  ["/login", "Log in"],
  ["/forgot-password", "Forgot password"],
  ["/reset-password", "Reset password"],
  ["/account-deleted", "Account deleted"],
  ["/dev/mail", "Local mail"],
  ["/runs", "Runs"],
  ["/runs/:runId", "Run"],
  ["/stats", "Statistics"],
  ["/races", "Races"],
  ["/plans", "Training plans"],
  ["/plans/:planId", "Plan"],
  ["/reports", "Monthly reports"],
  ["/reports/:month", "Report"],
  ["/import", "Import runs"],
  ["/settings", "Settings"],
];

export function pageTitle(pathname: string): string {
  const found = TITLES.find(([pattern]) => matchPath(pattern, pathname));
  return `${found ? found[1] : "Page not found"} — Runnerly`;
}
