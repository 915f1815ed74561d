/**
 * The catalogues say the same things, and every key the code asks for is in both: a
 * missing string would show as its key.
 */
import { describe, expect, it } from "vitest";
import { catalogues } from "./i18n";
import { browserLanguage, LANGUAGES } from "./language";

interface Tree {
  [key: string]: string | Tree;
}

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
const keysOf = Object.fromEntries(LANGUAGES.map((l) => [l, flatten(catalogues[l] as Tree)]));
/** The keys the code names: plural forms collapse to their base. */
const baseKeys = (language: (typeof LANGUAGES)[number]) => new Set([...keysOf[language].keys()].map((k) => k.replace(PLURAL, "")));

// Every source file but the tests, as text.
const sources = import.meta.glob<string>(["../**/*.{ts,tsx}", "!../**/*.test.{ts,tsx}", "!../**/*.gen.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

/** The keys used in the code: t("a.b"), i18n.t("a.b"), i18nKey="a.b", and templates t(`a.${x}`) as patterns. */
function usedKeys(): { literal: Set<string>; patterns: RegExp[] } {
  const literal = new Set<string>();
  const patterns: RegExp[] = [];
  for (const text of Object.values(sources)) {
    for (const m of text.matchAll(/\bt\(\s*"([^"]+)"|\bi18nKey="([^"]+)"|\bt\(\s*race\.entered \? "([^"]+)" : "([^"]+)"/g)) {
      for (const key of m.slice(1)) if (key) literal.add(key);
    }
    for (const m of text.matchAll(/\bt\(\s*`([^`]+)`/g)) {
      const escaped = m[1].split(/\$\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
      patterns.push(new RegExp(`^${escaped.join("[^.]+")}$`));
    }
    for (const m of text.matchAll(/exists\(`([^`]+)`\)/g)) {
      const escaped = m[1].split(/\$\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
      patterns.push(new RegExp(`^${escaped.join("[^.]+")}$`));
    }
  }
  return { literal, patterns };
}

describe("the catalogues", () => {
  it("have the same keys in every language (plural forms aside)", () => {
    const [first, ...rest] = LANGUAGES;
    for (const language of rest) expect([...baseKeys(language)].sort()).toEqual([...baseKeys(first)].sort());
  });

  it("give every plural the forms its language's rules need", () => {
    for (const language of LANGUAGES) {
      const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      const plurals = new Set([...keysOf[language].keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, "")));
      for (const base of plurals) {
        for (const category of categories) expect(keysOf[language].has(`${base}_${category}`), `${language}: ${base}_${category}`).toBe(true);
      }
    }
  });

  it("keep the same placeholders in every language", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}|<(\w+)>/g)].map((m) => m[1] || m[2]).sort();
    for (const [key, text] of keysOf.en) {
      const base = key.replace(PLURAL, "");
      const other = keysOf["zh-Hans"].get(key) ?? keysOf["zh-Hans"].get(`${base}_other`);
      expect(other, key).toBeDefined();
      // A singular form may spell the count out; the rest must carry every value.
      if (!key.endsWith("_one")) expect(placeholders(other ?? ""), key).toEqual(placeholders(text));
    }
  });

  it("hold every key the code uses, in every language", () => {
    const { literal, patterns } = usedKeys();
    expect(literal.size).toBeGreaterThan(50);
    for (const language of LANGUAGES) {
      const keys = baseKeys(language);
      for (const key of literal) expect(keys.has(key), `${language}: ${key}`).toBe(true);
      for (const pattern of patterns) expect([...keys].some((k) => pattern.test(k)), `${language}: ${pattern}`).toBe(true);
    }
  });
});

describe("the browser's language", () => {
  it("is Simplified Chinese for every Simplified Chinese tag", () => {
    for (const tag of ["zh", "zh-CN", "zh-SG", "zh-Hans", "zh-Hans-CN", "ZH-cn"]) expect(browserLanguage([tag])).toBe("zh-Hans");
  });

  it("is English otherwise, and the first language Runnerly has wins", () => {
    for (const tags of [["de-DE"], ["en-GB"], [], ["zh-TW"], ["fr", "de"]]) expect(browserLanguage(tags)).toBe("en");
    expect(browserLanguage(["zh-TW", "zh-CN"])).toBe("zh-Hans");
    expect(browserLanguage(["en-US", "zh-CN"])).toBe("en");
  });
});
