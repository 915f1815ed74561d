import { useId, type ReactNode } from "react";

export function Card({ title, children, actions, className = "" }: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  // Not made from the title: a Chinese title has no ASCII letters, and every card would share one id.
  const id = `card-${useId()}`;
  return (
    <section className={`card ${className}`} aria-labelledby={id}>
      <header className="card-header">
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}
