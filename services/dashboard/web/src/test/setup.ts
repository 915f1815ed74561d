import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";
import "../i18n/i18n";

// A signed-in browser holds the CSRF cookie its session came with; the app asks who is
// signed in only then. Tests of an anonymous visit remove it.
beforeEach(() => {
  document.cookie = "runnerly_csrf=test-csrf; path=/";
});

afterEach(() => cleanup());
