import { rules } from "../api/rules.gen";

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

function bounds(rule: NumberRule): string {
  const low =
    rule.exclusiveMinimum != null ? `more than ${rule.exclusiveMinimum}` : rule.minimum != null ? `from ${rule.minimum}` : "";
  const high = rule.maximum != null ? (rule.minimum != null ? `to ${rule.maximum}` : `up to ${rule.maximum}`) : "";
  return [low, high].filter(Boolean).join(rule.minimum != null ? " " : " and ");
}

/** A profile number as typed: the number, null when the runner emptied the field, or the
 * message to show beside it when it is not a number the API takes (by its own rule). */
export function readNumber(field: NumberField, text: string): { value: number | null } | { error: string } {
  const rule: NumberRule = rules.ProfileUpdate[field];
  const raw = text.trim();
  if (raw === "") return { value: null };
  const whole = rule.type === "integer";
  const range = bounds(rule);
  const wanted = `Enter ${whole ? "a whole number" : "a number"}${range ? ` ${range}` : ""}, in digits.`;
  if (!DECIMAL.test(raw)) return { error: wanted };
  const value = Number(raw.replace(",", "."));
  if (whole && !Number.isInteger(value)) return { error: wanted };
  const tooLow =
    (rule.exclusiveMinimum != null && value <= rule.exclusiveMinimum) || (rule.minimum != null && value < rule.minimum);
  const tooHigh = rule.maximum != null && value > rule.maximum;
  return tooLow || tooHigh ? { error: wanted } : { value };
}
