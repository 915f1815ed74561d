import { Link } from "react-router";
import { NotFound } from "../ui/NotFound";

export default function NotFoundPage() {
  return (
    <NotFound title="Page not found">
      There is nothing here. <Link to="/">Go home</Link>
    </NotFound>
  );
}
