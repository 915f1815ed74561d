import { rules } from "../api/rules.gen";
import i18n from "../i18n/i18n";

/** The bounds of a new password, as the API's contract states them. */
type PasswordRule = (typeof rules)["SignupRequest" | "PasswordResetConfirm"]["password"];

/** The hint beside a new password, from the schema the form is sent to, in the language shown. */
export function passwordHint(rule: PasswordRule): string {
  return i18n.t("auth.passwordHint", { min: rule.minLength });
}

/** The input's own bounds, so the browser and assistive technology know them too. */
export function passwordBounds(rule: PasswordRule): { minLength: number; maxLength: number } {
  return { minLength: rule.minLength, maxLength: rule.maxLength };
}

export const signupRules = rules.SignupRequest;
export const resetRules = rules.PasswordResetConfirm;
export const resetRequestRules = rules.PasswordResetRequest;
