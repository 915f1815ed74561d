import { useEffect, useId, useRef, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { useTranslation } from "react-i18next";
import { FormError } from "./FormError";

const FOCUSABLE = "button:not([disabled]), input:not([disabled]), a[href], select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

interface ConfirmDialogProps {
  /** The question, e.g. "Delete this run?" */
  title: string;
  /** What the deletion takes with it. */
  children?: ReactNode;
  confirmLabel: string;
  /** The safe choice; "Cancel" in the language shown unless the caller names it. */
  cancelLabel?: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending?: boolean;
  /** The failed attempt's problem, shown inside the dialog. */
  error?: unknown;
  /** Held back until the runner has done what the children ask (typed a phrase). */
  confirmDisabled?: boolean;
}

/**
 * The one confirmation every deletion asks: a modal alert dialog that keeps the focus
 * inside it, starts on the safe choice (or on a field marked `data-autofocus`), cancels
 * on Escape and gives the focus back to the button that opened it.
 */
export function ConfirmDialog({
  title, children, confirmLabel, cancelLabel, onConfirm, onCancel, pending = false, error,
  confirmDisabled = false,
}: ConfirmDialogProps) {
  const { t } = useTranslation();
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const onCancelRef = useRef(onCancel);
  useEffect(() => {
    onCancelRef.current = onCancel;
  });

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const start = box.current?.querySelector<HTMLElement>("[data-autofocus]") ?? cancel.current;
    start?.focus();
    // The page behind is out of reach of the keyboard and of screen readers meanwhile.
    const app = document.getElementById("root");
    app?.setAttribute("inert", "");
    return () => {
      app?.removeAttribute("inert");
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  function onKeyDown(event: React.KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape") {
      event.stopPropagation();
      onCancelRef.current();
      return;
    }
    if (event.key !== "Tab" || !box.current) return;
    const focusable = Array.from(box.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return createPortal(
    <div className="dialog-backdrop">
      <div ref={box} className="dialog" role="alertdialog" aria-modal="true" aria-labelledby={`${id}-title`}
        aria-describedby={children ? `${id}-body` : undefined} onKeyDown={onKeyDown}>
        <h2 id={`${id}-title`}>{title}</h2>
        {children && <div id={`${id}-body`} className="dialog-body">{children}</div>}
        <FormError error={error} />
        <div className="dialog-actions">
          <button ref={cancel} type="button" className="button secondary" onClick={onCancel}>
            {cancelLabel ?? t("ui.cancel")}
          </button>
          <button type="button" className="button danger" disabled={pending || confirmDisabled} onClick={onConfirm}>
            {pending ? t("ui.deleting") : confirmLabel}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
