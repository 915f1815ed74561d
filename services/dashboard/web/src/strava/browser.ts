/** Leaving the app for another site (Strava's approval page); an object so tests can watch it. */
export const browser = {
  open(url: string): void {
    window.location.assign(url);
  },
};
