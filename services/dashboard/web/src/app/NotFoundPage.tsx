import { Link } from "react-router";

export default function NotFoundPage() {
  return (
    <div className="narrow">
      <h1>Page not found</h1>
      <p>
        There is nothing here. <Link to="/">Go home</Link>
      </p>
    </div>
  );
}
