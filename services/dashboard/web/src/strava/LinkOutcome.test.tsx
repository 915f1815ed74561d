import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes, useLocation } from "react-router";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../test/render";
import { LinkOutcome } from "./LinkOutcome";

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

function settingsAt(path: string) {
  return renderWithApp(
    <Routes>
      <Route path="/settings" element={<><LinkOutcome /><Where /></>} />
    </Routes>,
    path,
  );
}

describe("coming back from Strava", () => {
  it("says the link worked, takes the focus, and goes away when dismissed", async () => {
    settingsAt("/settings?strava=linked");
    const notice = screen.getByRole("status");
    expect(notice).toHaveTextContent("Strava is linked. Your runs are on their way");
    expect(notice).toHaveFocus();

    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("strava-outcome")).toBeNull();
    expect(screen.getByTestId("where")).toHaveTextContent(/^\/settings$/);
  });

  it.each([
    ["access_denied", "You chose not to authorize Runnerly"],
    ["already_linked", "already linked to another Runnerly account"],
    ["wrong_account", "started by another Runnerly account"],
    ["refused", "may have expired"],
    ["unavailable", "could not be reached"],
    ["something_new", "Linking Strava did not finish"],
  ])("explains the error %s as an alert", (reason, text) => {
    settingsAt(`/settings?strava=error&reason=${reason}`);
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("Strava was not linked.");
    expect(alert).toHaveTextContent(text);
    expect(alert).toHaveFocus();
  });

  it("says nothing on a plain visit or an unknown outcome", () => {
    settingsAt("/settings?strava=maybe");
    expect(screen.queryByTestId("strava-outcome")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
