import { Suspense, useEffect, useRef } from "react";
import { Outlet, useLocation } from "react-router";
import { Loading } from "../ui/States";
import { Nav } from "./Nav";
import { pageTitle } from "./titles";

/**
 * After a navigation (not the first load, where the browser starts at the top), the focus
 * moves to the new page's heading, so a screen reader announces it and Tab starts there.
 * A lazy page's heading may come after its chunk or its data: it is waited for.
 */
function useFocusHeadingOnNavigation(main: React.RefObject<HTMLElement | null>) {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    document.title = pageTitle(pathname);
    if (first.current) {
      first.current = false;
      return;
    }
    const root = main.current;
    if (!root) return;
    const focus = () => {
      const heading = root.querySelector<HTMLElement>("h1");
      if (!heading) return false;
      heading.tabIndex = -1;
      heading.focus();
      return true;
    };
    if (focus()) return;
    const observer = new MutationObserver(() => {
      if (focus()) observer.disconnect();
    });
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [pathname, main]);
}

export function Layout() {
  const main = useRef<HTMLElement>(null);
  useFocusHeadingOnNavigation(main);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Nav />
      </header>
      <main id="main" ref={main} className="site-main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>Runnerly · your runs, your data</p>
      </footer>
    </>
  );
}
