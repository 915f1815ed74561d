import { useEffect, useRef, useState } from "react";
import { Link, NavLink, useNavigate } from "react-router";
import { useLogout } from "../auth/queries";
import { useDevMail } from "../devmail/queries";
import { useMe } from "../me/queries";

const RUNNER_LINKS = [
  { to: "/", label: "Home", end: true },
  { to: "/runs", label: "Runs" },
  { to: "/stats", label: "Statistics" },
  { to: "/races", label: "Races" },
  { to: "/plans", label: "Plans" },
  { to: "/reports", label: "Reports" },
  { to: "/import", label: "Import" },
  { to: "/settings", label: "Settings" },
];

export function Nav() {
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
    <nav aria-label="Main" className="nav">
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
        Menu
      </button>
      <ul id="nav-menu" className={`nav-menu ${open ? "open" : ""}`}>
        {signedIn &&
          RUNNER_LINKS.map((link) => (
            <li key={link.to}>
              <NavLink to={link.to} end={link.end} onClick={close}>
                {link.label}
              </NavLink>
            </li>
          ))}
        {devMail.data && (
          <li>
            <NavLink to="/dev/mail" onClick={close}>
              Mail
            </NavLink>
          </li>
        )}
        {!signedIn && !me.isPending && (
          <>
            <li>
              <NavLink to="/login" onClick={close}>
                Log in
              </NavLink>
            </li>
            <li>
              <NavLink to="/signup" onClick={close}>
                Sign up
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
              Log out
            </button>
          </li>
        )}
      </ul>
    </nav>
  );
}
