import { createContext, useContext, useEffect } from "react";

/** Names the page shown, for the document's title, when the route's own name is too
 * general: "Morning run" rather than "Run". The layout provides it and titles the page. */
export const PageNameContext = createContext<((name: string | null) => void) | null>(null);

/** The page's own name while it is shown (nothing yet: the route's name). */
export function usePageName(name: string | null | undefined): void {
  const setName = useContext(PageNameContext);
  useEffect(() => {
    // An empty name is no name: the route's is better than " — Runnerly".
    setName?.(name?.trim() ? name : null);
    return () => setName?.(null);
  }, [name, setName]);
}
