import { ApiError, describeError, type StatusWords } from "../api/problem";

/** The problem of a failed form submission, unless every message sits next to its field;
 * `inContext` words a status as this form means it (see `describeError`). */
export function FormError({ error, fields = [], inContext }: { error: unknown; fields?: string[]; inContext?: StatusWords }) {
  if (!error) return null;
  if (error instanceof ApiError && error.problem.errors?.length) {
    const elsewhere = error.problem.errors.filter((e) => !fields.includes(e.field));
    if (elsewhere.length === 0) return null;
  }
  return (
    <p className="form-error" role="alert">
      {describeError(error, inContext)}
    </p>
  );
}
