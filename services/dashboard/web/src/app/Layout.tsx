import { Suspense } from "react";
import { Outlet } from "react-router";
import { Loading } from "../ui/States";
import { Nav } from "./Nav";

export function Layout() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Nav />
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
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
