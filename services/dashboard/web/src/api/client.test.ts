import { afterEach, describe, expect, it } from "vitest";
import { csrfHeaders, readCookie } from "./client";
import { ApiError, describeError } from "./problem";

describe("the CSRF header", () => {
  afterEach(() => {
    document.cookie = "runnerly_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
  });

  it("reads a cookie among others", () => {
    expect(readCookie("runnerly_csrf", "a=1; runnerly_csrf=abc%3D; b=2")).toBe("abc=");
    expect(readCookie("missing", "a=1")).toBeNull();
  });

  it("is sent on writes only", () => {
    document.cookie = "runnerly_csrf=tok123";
    expect(csrfHeaders("POST")).toEqual({ "X-CSRF-Token": "tok123" });
    expect(csrfHeaders("delete")).toEqual({ "X-CSRF-Token": "tok123" });
    expect(csrfHeaders("GET")).toEqual({});
  });
});

describe("problems", () => {
  it("says a service is down in plain words", () => {
    const error = new ApiError({ title: "Service unavailable", status: 503, detail: "dataservice is down" });
    expect(describeError(error)).toMatch(/unavailable right now/);
  });

  it("gives a field's messages", () => {
    const error = new ApiError({
      title: "Invalid input",
      status: 422,
      detail: "name: too short",
      errors: [{ field: "name", message: "too short" }],
    });
    expect(error.fieldErrors("name")).toEqual(["too short"]);
    expect(error.fieldErrors("date")).toEqual([]);
  });
});
