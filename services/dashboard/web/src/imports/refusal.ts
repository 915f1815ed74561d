/** Why ingest refused a file, in the language shown: ingest's own sentence in English, and
 * in any other language the catalogue's wording of its code (`reason`), with the sport it
 * names (`sport`, a key such as "cycling") in that language too. */
import i18n from "../i18n/i18n";
import { currentLanguage } from "../i18n/language";
import type { FileOutcome } from "./queries";

// The refusals worded with the sport they name: without one, the server's sentence is kept.
const NAMING_A_SPORT = new Set(["not_a_run", "looks_like_walk"]);

/** A sport's key in the language shown; its English words when the catalogue has not got it. */
export function sportName(key: string): string {
  return i18n.exists(`imports.sport.${key}`) ? i18n.t(`imports.sport.${key}`) : key.replace(/_/g, " ");
}

/** The refusal's sentence: the server's message in English, or when its code is unknown or
 * absent (an outcome stored before the codes, or a code newer than this app). */
export function refusalText(file: Pick<FileOutcome, "message" | "reason" | "sport">): string | null | undefined {
  const { message, reason, sport } = file;
  if (currentLanguage() === "en" || !reason || !i18n.exists(`imports.refusal.${reason}`)) return message;
  if (!sport && NAMING_A_SPORT.has(reason)) return message;
  return i18n.t(`imports.refusal.${reason}`, { sport: sport ? sportName(sport) : "" });
}
