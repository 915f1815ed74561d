import { Link } from "react-router";
import { useTranslation } from "react-i18next";

export function Welcome() {
  const { t } = useTranslation();
  return (
    <div className="welcome">
      <h1>Runnerly</h1>
      <p className="lead">{t("home.welcome.lead")}</p>
      <p>
        <Link className="button" to="/signup">{t("home.welcome.signUp")}</Link> <Link className="button secondary" to="/login">{t("home.welcome.logIn")}</Link>
      </p>
    </div>
  );
}
