import { useEffect, useLayoutEffect, useRef, type ReactNode } from "react";
import { I18nextProvider } from "react-i18next";
import { useMe, useUpdateProfile } from "../me/queries";
import i18n, { changeLanguage } from "./i18n";
import { browserLanguage } from "./language";

/**
 * Shows the app in the profile's language, or the browser's when signed out or not chosen.
 * A runner whose profile has no language yet (just signed up) gets the browser's stored, so
 * the mails and the PDF, which cannot ask the browser, are written in it too.
 */
export function LanguageProvider({ children }: { children: ReactNode }) {
  const me = useMe();
  const update = useUpdateProfile();
  const stored = me.data?.profile.language ?? null;
  const language = stored ?? browserLanguage();
  const asked = useRef(false);

  // Before the browser paints: a page never shows in one language, then the other.
  useLayoutEffect(() => changeLanguage(language), [language]);

  const signedIn = !!me.data;
  const { mutate } = update;
  useEffect(() => {
    if (signedIn && stored === null && !asked.current) {
      asked.current = true;
      mutate({ language: browserLanguage() });
    }
  }, [signedIn, stored, mutate]);

  return <I18nextProvider i18n={i18n}>{children}</I18nextProvider>;
}
