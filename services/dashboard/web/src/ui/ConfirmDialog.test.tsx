import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/problem";
import { ConfirmDialog } from "./ConfirmDialog";

function Host({ onConfirm = () => undefined, error }: { onConfirm?: () => void; error?: unknown }) {
  const [open, setOpen] = useState(false);
  return (
    <div id="root">
      <button type="button" onClick={() => setOpen(true)}>Delete thing</button>
      {open && (
        <ConfirmDialog title="Delete this thing?" confirmLabel="Yes, delete it" onCancel={() => setOpen(false)}
          onConfirm={onConfirm} error={error}>
          <p>It goes for good.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

describe("the confirmation dialog", () => {
  it("is a modal alert dialog named by its question, described by what it takes, starting on the safe choice", async () => {
    render(<Host />);
    await userEvent.click(screen.getByRole("button", { name: "Delete thing" }));

    const dialog = screen.getByRole("alertdialog", { name: "Delete this thing?" });
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(dialog).toHaveAccessibleDescription("It goes for good.");
    expect(screen.getByRole("button", { name: "Cancel" })).toHaveFocus();
    // The page behind is out of reach meanwhile.
    expect(document.getElementById("root")).toHaveAttribute("inert");
  });

  it("keeps the focus inside while Tab and Shift+Tab go round", async () => {
    render(<Host />);
    await userEvent.click(screen.getByRole("button", { name: "Delete thing" }));

    await userEvent.tab();
    expect(screen.getByRole("button", { name: "Yes, delete it" })).toHaveFocus();
    await userEvent.tab();
    expect(screen.getByRole("button", { name: "Cancel" })).toHaveFocus();
    await userEvent.tab({ shift: true });
    expect(screen.getByRole("button", { name: "Yes, delete it" })).toHaveFocus();
  });

  it("cancels on Escape and on Cancel, giving the focus back to the button that opened it", async () => {
    const onConfirm = vi.fn();
    render(<Host onConfirm={onConfirm} />);
    const opener = screen.getByRole("button", { name: "Delete thing" });

    await userEvent.click(opener);
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(opener).toHaveFocus();
    expect(document.getElementById("root")).not.toHaveAttribute("inert");

    await userEvent.click(opener);
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it("confirms on its button, and shows a failure inside", async () => {
    const onConfirm = vi.fn();
    const error = new ApiError({ title: "Forbidden", status: 403, detail: "Someone else entered this race." });
    render(<Host onConfirm={onConfirm} error={error} />);
    await userEvent.click(screen.getByRole("button", { name: "Delete thing" }));

    await userEvent.click(screen.getByRole("button", { name: "Yes, delete it" }));
    expect(onConfirm).toHaveBeenCalledOnce();
    expect(screen.getByRole("alertdialog")).toHaveTextContent("Someone else entered this race.");
  });
});
