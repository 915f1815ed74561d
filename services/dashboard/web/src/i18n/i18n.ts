/** The app's i18next instance: the catalogues (`en.json`, `zh-Hans.json`, plurals by the
 * language's rules with `_one`/`_other` keys) and the language shown. */
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./en.json";
import zhHans from "./zh-Hans.json";
import { browserLanguage, setCurrentLanguage, type Language } from "./language";

export const catalogues = { en, "zh-Hans": zhHans } as const;

const initial = browserLanguage();
setCurrentLanguage(initial);

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, "zh-Hans": { translation: zhHans } },
  lng: initial,
  fallbackLng: "en",
  // React escapes what it renders; escaping here too would show "&amp;".
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

/** Show the app in `language`: the catalogues, the formatters and `<html lang>`. */
export function changeLanguage(language: Language): void {
  setCurrentLanguage(language);
  if (i18next.language !== language) void i18next.changeLanguage(language);
}

export default i18next;
