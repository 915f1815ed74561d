import { Navigate, Outlet, useLocation } from "react-router";
import { isAccountDeleted } from "../api/problem";
import { useMe } from "../me/queries";
import { ErrorState, Loading } from "../ui/States";

/** Pages of a signed-in runner; others are sent to log in and come back after. */
export function RequireRunner() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.isError && isAccountDeleted(me.error)) return <Navigate to="/account-deleted" replace />;
  if (me.isError) return <ErrorState error={me.error} retry={() => me.refetch()} />;
  if (!me.data) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <Outlet />;
}
