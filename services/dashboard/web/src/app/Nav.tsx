import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink, useNavigate } from "react-router";
import { useLogout } from "../auth/queries";
import { useDevMail } from "../devmail/queries";
import { useMe } from "../me/queries";

/** The links of a signed-in runner; each label is a key of `app.nav`. */
const RUNNER_LINKS = [
  { to: "/", label: "home", end: true },
  { to: "/runs", label: "runs" },
  { to: "/stats", label: "stats" },
  { to: "/races", label: "races" },
  { to: "/plans", label: "plans" },
  { to: "/reports", label: "reports" },
  { to: "/import", label: "import" },
  { to: "/settings", label: "settings" },
];

export function Nav() {
  const { t } = useTranslation();
  const me = useMe();
  const devMail = useDevMail();
  const logout = useLogout();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const signedIn = Boolean(me.data);
  const close = () => setOpen(false);
  const toggle = useRef<HTMLButtonElement>(null);

  // Escape closes the open menu and gives the focus back to its button.
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      toggle.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <nav aria-label={t("app.nav.label")} className="nav">
      <Link to="/" className="brand" onClick={close}>
        Runnerly
      </Link>
      <button
        ref={toggle}
        type="button"
        className="nav-toggle"
        aria-expanded={open}
        aria-controls="nav-menu"
        onClick={() => setOpen((v) => !v)}
      >
        {t("app.nav.menu")}
      </button>
      <ul id="nav-menu" className={`nav-menu ${open ? "open" : ""}`}>
        {signedIn &&
          RUNNER_LINKS.map((link) => (
            <li key={link.to}>
              <NavLink to={link.to} end={link.end} onClick={close}>
                {t(`app.nav.${link.label}`)}
              </NavLink>
            </li>
          ))}
        {devMail.data && (
          <li>
            <NavLink to="/dev/mail" onClick={close}>
              {t("app.nav.mail")}
            </NavLink>
          </li>
        )}
        {!signedIn && !me.isPending && (
          <>
            <li>
              <NavLink to="/login" onClick={close}>
                {t("app.nav.logIn")}
              </NavLink>
            </li>
            <li>
              <NavLink to="/signup" onClick={close}>
                {t("app.nav.signUp")}
              </NavLink>
            </li>
          </>
        )}
        {signedIn && (
          <li>
            <button
              type="button"
              className="link-button"
              onClick={() => logout.mutate(undefined, { onSettled: () => { close(); void navigate("/"); } })}
            >
              {t("app.nav.logOut")}
            </button>
          </li>
        )}
      </ul>
    </nav>
  );
}
