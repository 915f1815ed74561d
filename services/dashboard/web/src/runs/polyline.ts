import polyline from "@mapbox/polyline";

export type LatLng = [number, number];

export interface Route {
  points: LatLng[];
  /** South-west and north-east corners. */
  bounds: [LatLng, LatLng];
  start: LatLng;
  end: LatLng;
}

/** A run's route from its summary polyline (Google's encoding), or its latlng stream. */
export function routeOf(summaryPolyline?: string | null, latlng?: unknown): Route | null {
  let points: LatLng[] = [];
  if (summaryPolyline) {
    try {
      points = polyline.decode(summaryPolyline);
    } catch {
      points = [];
    }
  }
  if (points.length < 2 && Array.isArray(latlng)) {
    points = latlng.filter(
      (p): p is LatLng => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === "number"),
    );
  }
  if (points.length < 2) return null;
  const lats = points.map((p) => p[0]);
  const lngs = points.map((p) => p[1]);
  return {
    points,
    bounds: [
      [Math.min(...lats), Math.min(...lngs)],
      [Math.max(...lats), Math.max(...lngs)],
    ],
    start: points[0],
    end: points[points.length - 1],
  };
}
