/**
 * The language the app is shown in, readable by plain functions (the formatters in
 * `format/`, `reports/content.ts`, `plans/format.ts`): the provider sets it, every
 * `Intl.*` formatter reads it, so no date or number follows the browser's own locale.
 */
export const LANGUAGES = ["en", "zh-Hans"] as const;
export type Language = (typeof LANGUAGES)[number];

let current: Language = "en";

/** The browser's first language Runnerly has: Chinese (zh, zh-CN, zh-SG, zh-Hans…) is
 * Simplified Chinese, any other is English. Traditional script (zh-TW, zh-HK, zh-Hant) is
 * not offered yet, so it reads English rather than the wrong script. */
export function browserLanguage(languages: readonly string[] = navigatorLanguages()): Language {
  for (const tag of languages) {
    const lower = tag.toLowerCase();
    if (lower === "zh" || lower === "zh-cn" || lower === "zh-sg" || lower.startsWith("zh-hans")) return "zh-Hans";
    if (lower.startsWith("zh")) continue;
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

function navigatorLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages.length ? navigator.languages : [navigator.language];
}

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

/** The language shown now. */
export function currentLanguage(): Language {
  return current;
}

/** The locale every formatter passes to `Intl.*`: the language shown, never the browser's. */
export function currentLocale(): string {
  return current;
}

export function setCurrentLanguage(language: Language): void {
  current = language;
  if (typeof document !== "undefined") document.documentElement.lang = language;
}
