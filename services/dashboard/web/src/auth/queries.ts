import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { unwrap } from "../api/problem";
import { meKey } from "../me/queries";
import { currentLanguage } from "../i18n/language";

export interface Credentials {
  email: string;
  password: string;
}

export function useSignup() {
  return useMutation({
    // The confirmation mail is written in the language the page is shown in.
    mutationFn: (body: Credentials & { time_zone: string }) =>
      unwrap(api.POST("/api/auth/signup", { body: { ...body, language: currentLanguage() } })),
  });
}

export function useConfirm() {
  return useMutation({
    mutationFn: (token: string) => unwrap(api.POST("/api/auth/confirm", { body: { token } })),
  });
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    // The tokens in the answer are for scripts; the browser keeps only the session cookie.
    mutationFn: async (body: Credentials) => {
      await unwrap(api.POST("/api/auth/login", { body }));
    },
    onSuccess: async () => {
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== "me" });
      await client.invalidateQueries({ queryKey: meKey });
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/auth/logout")),
    onSettled: () => {
      client.clear();
      client.setQueryData(meKey, null);
    },
  });
}

export function useRequestReset() {
  return useMutation({
    mutationFn: (email: string) =>
      unwrap(api.POST("/api/auth/password-reset", { body: { email, language: currentLanguage() } })),
  });
}

export function useConfirmReset() {
  return useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      unwrap(api.POST("/api/auth/password-reset/confirm", { body })),
  });
}
