import { Suspense, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Outlet, useLocation } from "react-router";
import { Loading } from "../ui/States";
import { Nav } from "./Nav";
import { PageNameContext } from "./pageName";
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

/** The page's title, in the language shown: set again when the runner changes it, and the
 * page's own name when it gives one (`usePageName`). */
function usePageTitle(pageName: string | null) {
  const { pathname } = useLocation();
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  useEffect(() => {
    document.title = pageName ? `${pageName} — Runnerly` : pageTitle(pathname, t);
  }, [pathname, pageName, t, language]);
}

export function Layout() {
  const main = useRef<HTMLElement>(null);
  const { t } = useTranslation();
  const [pageName, setPageName] = useState<string | null>(null);
  usePageTitle(pageName);
  useFocusHeadingOnNavigation(main);
  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <header className="site-header">
        <Nav />
      </header>
      <main id="main" ref={main} className="site-main" tabIndex={-1}>
        <PageNameContext.Provider value={setPageName}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </PageNameContext.Provider>
      </main>
      <footer className="site-footer">
        <p>{t("app.footer")}</p>
      </footer>
    </>
  );
}
