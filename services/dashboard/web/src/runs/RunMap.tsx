import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { tileConfig } from "../map/tiles";
import type { Route } from "./polyline";

/** The route on a map. The line is drawn as SVG, so it shows even when no tile loads; the
 * map then says that its tiles did not load. */
export default function RunMap({ route }: { route: Route }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [tilesFailed, setTilesFailed] = useState(false);

  useEffect(() => {
    if (!container.current) return;
    const map = L.map(container.current, { scrollWheelZoom: false, preferCanvas: false, zoomControl: false });
    // Leaflet's own buttons name themselves in English.
    L.control.zoom({ zoomInTitle: t("runs.map.zoomIn"), zoomOutTitle: t("runs.map.zoomOut") }).addTo(map);
    const tiles = tileConfig();
    let loaded = 0;
    setTilesFailed(false);
    L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 })
      // A tile that fails while none has loaded: the tile server is out of reach.
      .on("tileerror", () => { if (loaded === 0) setTilesFailed(true); })
      .on("tileload", () => { loaded += 1; setTilesFailed(false); })
      .addTo(map);
    const line = L.polyline(route.points, { className: "route-line", weight: 4 }).addTo(map);
    L.circleMarker(route.start, { radius: 6, className: "route-start" }).addTo(map).bindTooltip(t("runs.map.start"));
    L.circleMarker(route.end, { radius: 6, className: "route-end" }).addTo(map).bindTooltip(t("runs.map.finish"));
    map.fitBounds(line.getBounds(), { padding: [16, 16] });
    return () => {
      map.remove();
    };
  }, [route, t]);

  // A region, not an image: Leaflet makes the map focusable (arrow keys pan, + and - zoom)
  // and puts buttons and links inside it, which an image's children may not be.
  return (
    <>
      <div ref={container} className="run-map" data-testid="run-map" role="region"
        aria-label={t("runs.map.label")} />
      {tilesFailed && (
        <p className="map-notice" role="status">
          {t("runs.map.tilesFailed")}
        </p>
      )}
    </>
  );
}
