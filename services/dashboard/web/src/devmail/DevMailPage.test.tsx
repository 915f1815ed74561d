import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { LinkedText } from "./DevMailPage";

describe("mail text", () => {
  it("makes its links clickable", () => {
    render(<p><LinkedText text={"Open this link:\nhttp://127.0.0.1:8000/confirm?token=abc-1_2\nThanks"} /></p>);
    expect(screen.getByRole("link")).toHaveAttribute("href", "http://127.0.0.1:8000/confirm?token=abc-1_2");
  });
});
