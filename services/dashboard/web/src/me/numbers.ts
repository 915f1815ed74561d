import { rules } from "../api/rules.gen";
import i18n from "../i18n/i18n";

export type NumberField = "birth_year" | "weight_kg" | "max_hr" | "resting_hr" | "vo2max";

interface NumberRule {
  type: "integer" | "number";
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

// Digits with at most one decimal point or comma: no units, words, exponents or hex, which
// Number() would read as NaN or as another number than the runner meant.
const DECIMAL = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

/** The range a rule allows, in words of the language shown ("from 60 to 260"); "" when any. */
function bounds(rule: NumberRule): string {
  const high = rule.maximum;
  if (rule.exclusiveMinimum != null) {
    const low = rule.exclusiveMinimum;
    return high != null ? i18n.t("numbers.range.moreThanUpTo", { low, high }) : i18n.t("numbers.range.moreThan", { low });
  }
  if (rule.minimum != null) {
    const low = rule.minimum;
    return high != null ? i18n.t("numbers.range.fromTo", { low, high }) : i18n.t("numbers.range.from", { low });
  }
  return high != null ? i18n.t("numbers.range.upTo", { high }) : "";
}

/** A profile number as typed: the number, null when the runner emptied the field, or the
 * message to show beside it when it is not a number the API takes (by its own rule). */
export function readNumber(field: NumberField, text: string): { value: number | null } | { error: string } {
  const rule: NumberRule = rules.ProfileUpdate[field];
  const raw = text.trim();
  if (raw === "") return { value: null };
  const whole = rule.type === "integer";
  const wanted = i18n.t(whole ? "numbers.whole" : "numbers.number", { range: bounds(rule) });
  if (!DECIMAL.test(raw)) return { error: wanted };
  const value = Number(raw.replace(",", "."));
  if (whole && !Number.isInteger(value)) return { error: wanted };
  const tooLow =
    (rule.exclusiveMinimum != null && value <= rule.exclusiveMinimum) || (rule.minimum != null && value < rule.minimum);
  const tooHigh = rule.maximum != null && value > rule.maximum;
  return tooLow || tooHigh ? { error: wanted } : { value };
}
