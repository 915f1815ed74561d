import type { ReactNode } from "react";

/** A page whose resource does not exist (404): said plainly, with a way on and nothing to retry. */
export function NotFound({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="narrow not-found">
      <h1>{title}</h1>
      <p>{children}</p>
    </div>
  );
}
