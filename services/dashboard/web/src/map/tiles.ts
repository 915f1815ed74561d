export const DEFAULT_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
export const DEFAULT_ATTRIBUTION = "© OpenStreetMap contributors";

function meta(name: string): string | null {
  const content = document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content.trim() ?? "";
  return content === "" ? null : content;
}

/** The tile server, from the page's <meta name="runnerly-map-tiles"> (empty: no tiles). */
export function tileConfig(): { url: string; attribution: string } {
  return {
    url: meta("runnerly-map-tiles") ?? DEFAULT_TILES,
    attribution: meta("runnerly-map-attribution") ?? DEFAULT_ATTRIBUTION,
  };
}
