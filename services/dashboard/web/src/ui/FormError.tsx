import { ApiError, describeError } from "../api/problem";

/** The problem of a failed form submission, unless every message sits next to its field. */
export function FormError({ error, fields = [] }: { error: unknown; fields?: string[] }) {
  if (!error) return null;
  if (error instanceof ApiError && error.problem.errors?.length) {
    const elsewhere = error.problem.errors.filter((e) => !fields.includes(e.field));
    if (elsewhere.length === 0) return null;
  }
  return (
    <p className="form-error" role="alert">
      {describeError(error)}
    </p>
  );
}
