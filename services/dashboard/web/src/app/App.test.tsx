import { act, cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { changeLanguage } from "../i18n/i18n";
import { json, mockApi, renderWithApp } from "../test/render";
import { App } from "./App";

afterEach(() => vi.unstubAllGlobals());

const ME = {
  account: { id: "u1", email: "ada@example.com", confirmed: true, created_at: "2026-01-01T00:00:00Z", roles: ["runner"] },
  profile: { units: "km", time_zone: "Europe/Paris" },
};
const NOT_SIGNED_IN = { title: "Not authenticated", status: 401, detail: "Log in." };

function signedIn(extra: (url: URL, request: Request) => Response | null = () => null) {
  return mockApi((request) => {
    const url = new URL(request.url);
    if (url.pathname === "/api/me" && request.method === "GET") return json(ME);
    if (url.pathname === "/api/dev/mail") return json({ title: "Not found", status: 404, detail: "" }, 404);
    return extra(url, request) ?? json({ items: [], next_cursor: null });
  });
}

function anonymous() {
  document.cookie = "runnerly_csrf=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT";
}

describe("an anonymous visit", () => {
  it("does not ask who is signed in when the browser holds no session", async () => {
    anonymous();
    const fetchMock = mockApi((request) =>
      new URL(request.url).pathname === "/api/me" ? json(NOT_SIGNED_IN, 401) : json({ messages: [] }));
    renderWithApp(<App />, "/login");
    expect(await screen.findByRole("heading", { level: 1, name: "Log in" })).toBeInTheDocument();
    await screen.findAllByRole("link", { name: "Sign up" });
    const asked = fetchMock.mock.calls.map(([input]) => new URL(String(input instanceof Request ? input.url : input), window.location.origin).pathname);
    expect(asked).not.toContain("/api/me");
  });

  it("of a runner's page goes to log in", async () => {
    anonymous();
    mockApi(() => json({ messages: [] }));
    renderWithApp(<App />, "/runs");
    expect(await screen.findByRole("heading", { level: 1, name: "Log in" })).toBeInTheDocument();
  });
});

describe("titles and focus", () => {
  it("gives each page its title and moves the focus to the new page's heading", async () => {
    signedIn();
    renderWithApp(<App />, "/races");
    expect(await screen.findByRole("heading", { level: 1, name: "Races" })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe("Races — Runnerly"));

    await userEvent.click(screen.getByRole("link", { name: "Runs" }));
    const heading = await screen.findByRole("heading", { level: 1, name: "Runs" });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(document.title).toBe("Runs — Runnerly");
  });

  it("names an unknown address as such", async () => {
    signedIn();
    renderWithApp(<App />, "/nowhere");
    expect(await screen.findByRole("heading", { level: 1, name: "Page not found" })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe("Page not found — Runnerly"));
  });
});

describe("in Simplified Chinese", () => {
  // Unmounted first: the pages left would re-render in English outside the test.
  afterEach(() => {
    cleanup();
    changeLanguage("en");
  });

  it("the navigation and the title speak it, and the title changes with the language", async () => {
    signedIn();
    renderWithApp(<App />, "/races");
    await waitFor(() => expect(document.title).toBe("Races — Runnerly"));

    act(() => changeLanguage("zh-Hans"));
    await waitFor(() => expect(document.title).toBe("比赛 — Runnerly"));
    expect(screen.getByRole("navigation", { name: "主导航" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "菜单" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "设置" })).toHaveAttribute("href", "/settings");
    expect(screen.getByRole("button", { name: "退出登录" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "跳到主要内容" })).toBeInTheDocument();

    await userEvent.click(screen.getByRole("link", { name: "跑步" }));
    await waitFor(() => expect(document.title).toBe("跑步 — Runnerly"));
  });

  it("an unknown address is named in it, with the way home", async () => {
    changeLanguage("zh-Hans");
    signedIn();
    renderWithApp(<App />, "/nowhere");
    expect(await screen.findByRole("heading", { level: 1, name: "页面不存在" })).toBeInTheDocument();
    expect(within(screen.getByRole("main")).getByRole("link", { name: "返回首页" })).toHaveAttribute("href", "/");
    await waitFor(() => expect(document.title).toBe("页面不存在 — Runnerly"));
  });
});

describe("the menu", () => {
  it("closes on Escape, giving the focus back to its button", async () => {
    signedIn();
    renderWithApp(<App />, "/");
    const menu = await screen.findByRole("button", { name: "Menu" });
    await userEvent.click(menu);
    expect(menu).toHaveAttribute("aria-expanded", "true");
    await userEvent.keyboard("{Escape}");
    expect(menu).toHaveAttribute("aria-expanded", "false");
    expect(menu).toHaveFocus();
  });
});

describe("a missing run or plan", () => {
  it.each([
    ["/runs/404", "Run not found"],
    ["/runs/not-a-number", "Run not found"],
    ["/plans/404", "Plan not found"],
  ])("%s is a plain not-found page, with nothing to try again", async (path, heading) => {
    signedIn((url) => (/\/api\/(runs|plans)\/\w+/.test(url.pathname)
      ? json({ title: "Not found", status: 404, detail: "No such thing." }, 404) : null));
    renderWithApp(<App />, path);
    expect(await screen.findByRole("heading", { level: 1, name: heading })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
  });

  it("but a run that failed to load for another reason offers to try again", async () => {
    signedIn((url) => (url.pathname === "/api/runs/5"
      ? json({ title: "Internal error", status: 500, detail: "Something broke." }, 500) : null));
    renderWithApp(<App />, "/runs/5");
    expect(await screen.findByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});

describe("a deleted account", () => {
  it("ends on a page that says so after the runner confirms in the dialog", async () => {
    let deleted = false;
    signedIn((url, request) => {
      if (url.pathname === "/api/me" && request.method === "DELETE") {
        deleted = true;
        return new Response(null, { status: 204 });
      }
      return null;
    });
    renderWithApp(<App />, "/settings");
    await userEvent.click(await screen.findByRole("button", { name: "Delete my account" }));
    const dialog = screen.getByRole("alertdialog", { name: "Delete your account?" });
    const confirm = within(dialog).getByRole("button", { name: "Delete my account" });
    expect(confirm).toBeDisabled();
    expect(screen.getByLabelText("Confirmation")).toHaveFocus();
    await userEvent.type(screen.getByLabelText("Confirmation"), "delete my account");
    expect(dialog).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete my account" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Your account is deleted" })).toBeInTheDocument();
    expect(deleted).toBe(true);
  });

  it("sends a tab still open on it to that page when the API says the account is gone", async () => {
    mockApi(() => json({ title: "Account deleted", status: 401, detail: "This account has been deleted." }, 401));
    renderWithApp(<App />, "/runs");
    expect(await screen.findByRole("heading", { level: 1, name: "Your account is deleted" })).toBeInTheDocument();
  });
});

describe("the confirmation link", () => {
  it("opened again says the account is already confirmed and offers to log in", async () => {
    anonymous();
    mockApi((request) => (new URL(request.url).pathname === "/api/auth/confirm"
      ? json({ title: "Bad request", status: 400, detail: "This account is already confirmed: log in.", reason: "already_confirmed" }, 400)
      : json({ messages: [] })));
    renderWithApp(<App />, "/confirm?token=used");
    expect(await screen.findByText(/already confirmed/)).toBeInTheDocument();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByRole("main")).toContainElement(screen.getAllByRole("link", { name: "Log in" }).at(-1) ?? null);
  });
});
