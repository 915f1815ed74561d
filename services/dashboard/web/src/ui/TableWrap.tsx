import type { ReactNode } from "react";

/**
 * A table that scrolls sideways on a narrow screen. It takes the focus so a keyboard can
 * scroll it too, and is named so a screen reader says what that stop is.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
