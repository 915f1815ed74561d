import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, mockApi, renderWithApp } from "../test/render";
import { RaceForm } from "./RaceForm";

afterEach(() => vi.unstubAllGlobals());

describe("adding a race", () => {
  it("shows the API's messages next to their fields", async () => {
    mockApi(() =>
      json(
        {
          type: "about:blank",
          title: "Invalid input",
          status: 422,
          detail: "name: String should have at least 1 character; distance_m: Input should be greater than 0",
          errors: [
            { field: "name", message: "String should have at least 1 character" },
            { field: "distance_m", message: "Input should be greater than 0" },
          ],
        },
        422,
      ),
    );
    renderWithApp(<RaceForm units="km" />);
    await userEvent.click(screen.getByRole("button", { name: "Add race" }));

    const name = await screen.findByLabelText("Name");
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(name).toHaveAccessibleDescription("String should have at least 1 character");
    expect(screen.getByLabelText("Distance (km)")).toHaveAccessibleDescription(/Input should be greater than 0/);
    expect(screen.getByLabelText("Location")).not.toHaveAttribute("aria-invalid");
    // Every message sits by its field: no second copy above the button.
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("sends the distance in metres, from the runner's units, with the CSRF token", async () => {
    document.cookie = "runnerly_csrf=tok";
    const sent: unknown[] = [];
    const fetchMock = mockApi(async (request) => {
      sent.push(await request.json());
      expect(request.headers.get("X-CSRF-Token")).toBe("tok");
      return json({ id: 1, name: "Big Sur", date: "2026-04-26", distance_m: 42195, entrants: 0, entered: false }, 201);
    });
    renderWithApp(<RaceForm units="mi" />);
    await userEvent.type(screen.getByLabelText("Name"), "Big Sur");
    await userEvent.type(screen.getByLabelText("Date"), "2026-04-26");
    await userEvent.type(screen.getByLabelText("Distance (mi)"), "26.2");
    await userEvent.type(screen.getByLabelText("Location"), "Carmel");
    await userEvent.click(screen.getByRole("button", { name: "Add race" }));

    expect(await screen.findByText("Added Big Sur.")).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalled();
    expect(sent[0]).toEqual({ name: "Big Sur", date: "2026-04-26", distance_m: 42195, location: "Carmel", url: null });
  });

  it("says when the service behind is down", async () => {
    mockApi(() => json({ title: "Service unavailable", status: 503, detail: "dataservice is unavailable" }, 503));
    renderWithApp(<RaceForm units="km" />);
    await userEvent.click(screen.getByRole("button", { name: "Add race" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/unavailable right now/);
  });
});
