import type { TFunction } from "i18next";
import { matchPath } from "react-router";

/** Each route's page title, as a key of `app.titles`: "Runs — Runnerly". */
const TITLES: [pattern: string, key: string][] = [
  ["/", "home"],
  ["/signup", "signup"],
  ["/confirm", "confirm"],
  ["/login", "login"],
  ["/forgot-password", "forgotPassword"],
  ["/reset-password", "resetPassword"],
  ["/account-deleted", "accountDeleted"],
  ["/dev/mail", "devMail"],
  ["/runs", "runs"],
  ["/runs/:runId", "run"],
  ["/stats", "stats"],
  ["/races", "races"],
  ["/plans", "plans"],
  ["/plans/:planId", "plan"],
  ["/reports", "reports"],
  ["/reports/:month", "report"],
  ["/import", "import"],
  ["/settings", "settings"],
];

/** The page's title in the language `t` speaks. */
export function pageTitle(pathname: string, t: TFunction): string {
  const found = TITLES.find(([pattern]) => matchPath(pattern, pathname));
  return t("app.title", { page: t(`app.titles.${found ? found[1] : "notFound"}`) });
}
