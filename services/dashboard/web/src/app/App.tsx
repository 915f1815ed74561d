import { lazy } from "react";
import { Route, Routes } from "react-router";
import { Layout } from "./Layout";
import { RequireRunner } from "./RequireRunner";

// One chunk per page: charts and maps load only on the pages that show them.
const HomePage = lazy(() => import("../home/HomePage"));
const SignupPage = lazy(() => import("../auth/SignupPage"));
const ConfirmPage = lazy(() => import("../auth/ConfirmPage"));
const LoginPage = lazy(() => import("../auth/LoginPage"));
const ForgotPasswordPage = lazy(() => import("../auth/ForgotPasswordPage"));
const ResetPasswordPage = lazy(() => import("../auth/ResetPasswordPage"));
const RunsPage = lazy(() => import("../runs/RunsPage"));
const RunPage = lazy(() => import("../runs/RunPage"));
const StatsPage = lazy(() => import("../stats/StatsPage"));
const RacesPage = lazy(() => import("../races/RacesPage"));
const PlansPage = lazy(() => import("../plans/PlansPage"));
const PlanPage = lazy(() => import("../plans/PlanPage"));
const ReportsPage = lazy(() => import("../reports/ReportsPage"));
const ReportPage = lazy(() => import("../reports/ReportPage"));
const ImportPage = lazy(() => import("../imports/ImportPage"));
const SettingsPage = lazy(() => import("../me/SettingsPage"));
const DevMailPage = lazy(() => import("../devmail/DevMailPage"));
const NotFoundPage = lazy(() => import("./NotFoundPage"));
const AccountDeletedPage = lazy(() => import("./AccountDeletedPage"));

export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HomePage />} />
        <Route path="signup" element={<SignupPage />} />
        <Route path="confirm" element={<ConfirmPage />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="forgot-password" element={<ForgotPasswordPage />} />
        <Route path="reset-password" element={<ResetPasswordPage />} />
        <Route path="account-deleted" element={<AccountDeletedPage />} />
        <Route path="dev/mail" element={<DevMailPage />} />
        <Route element={<RequireRunner />}>
          <Route path="runs" element={<RunsPage />} />
          <Route path="runs/:runId" element={<RunPage />} />
          <Route path="stats" element={<StatsPage />} />
          <Route path="races" element={<RacesPage />} />
          <Route path="plans" element={<PlansPage />} />
          <Route path="plans/:planId" element={<PlanPage />} />
          <Route path="reports" element={<ReportsPage />} />
          <Route path="reports/:month" element={<ReportPage />} />
          <Route path="import" element={<ImportPage />} />
          <Route path="settings" element={<SettingsPage />} />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
