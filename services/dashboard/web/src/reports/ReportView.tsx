import { lazy, Suspense, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatDay, formatDistance, formatDuration, formatElevation, formatTimeSpent, type Units } from "../format/units";
import { Card } from "../ui/Card";
import { Loading } from "../ui/States";
import { TableWrap } from "../ui/TableWrap";
import {
  countdown,
  effortName,
  FASTEST_PACE_MIN_M,
  formatChange,
  formatPacePerKm,
  monthLabel,
  shortDay,
  weekRange,
  type ReportContent,
} from "./content";

const WeeklyChart = lazy(() => import("./WeeklyChart"));

function Row({ label, value, note }: { label: string; value: ReactNode; note?: ReactNode }) {
  return (
    <div className="report-row">
      <dt>{label}</dt>
      <dd>
        <strong>{value}</strong>
        {note && <span className="muted"> · {note}</span>}
      </dd>
    </div>
  );
}

function Month({ content, units }: { content: ReportContent; units: Units }) {
  const { totals } = content;
  const { t } = useTranslation();
  return (
    <Card title={t("reports.view.month")}>
      <dl className="figures" data-testid="report-totals">
        <div><dt>{t("common.distance")}</dt><dd>{formatDistance(totals.distance_m, units, 1)}</dd></div>
        <div><dt>{t("common.movingTime")}</dt><dd>{formatTimeSpent(totals.moving_time_s)}</dd></div>
        <div><dt>{t("common.runs")}</dt><dd>{totals.runs}</dd></div>
        <div><dt>{t("common.elevationGain")}</dt><dd>{formatElevation(totals.elevation_gain_m, units)}</dd></div>
      </dl>
      <h3>{t("reports.view.compared")}</h3>
      <dl className="report-rows" data-testid="report-comparisons">
        {content.comparisons.map((c) => (
          <Row key={c.kind} label={t("reports.view.against", { month: monthLabel(c.month) })} value={formatChange(c, units)}
            note={c.totals.runs > 0 ? t("reports.view.then", { distance: formatDistance(c.totals.distance_m, units, 1), count: c.totals.runs }) : undefined} />
        ))}
      </dl>
    </Card>
  );
}

function Highlights({ content, units }: { content: ReportContent; units: Units }) {
  const { longest_run: longest, fastest_run: fastest, best_efforts: efforts } = content;
  const { t } = useTranslation();
  return (
    <Card title={t("reports.view.highlights")}>
      <dl className="report-rows" data-testid="report-highlights">
        {longest && (
          <Row label={t("reports.view.longest")} value={t("reports.view.distanceIn", { distance: formatDistance(longest.distance_m, units, 1), time: formatDuration(longest.moving_time_s) })}
            note={<><Link to={`/runs/${longest.run_id}`}>{longest.name}</Link>, {shortDay(longest.day)}</>} />
        )}
        {fastest && (
          <Row label={t("reports.view.fastest")} value={formatPacePerKm(fastest.pace_s_per_km, units)}
            note={<><Link to={`/runs/${fastest.run_id}`}>{fastest.name}</Link>, {shortDay(fastest.day)}, {formatDistance(fastest.distance_m, units, 1)}</>} />
        )}
      </dl>
      {!fastest && <p className="muted">{t("reports.view.noPace", { distance: formatDistance(FASTEST_PACE_MIN_M, units, 1) })}</p>}
      <h3>{t("reports.view.efforts")}</h3>
      {efforts.length === 0 ? (
        <p className="muted">{t("reports.view.noEffort")}</p>
      ) : (
        <dl className="report-rows" data-testid="report-efforts">
          {efforts.map((e) => (
            <Row key={e.distance} label={effortName(e.distance)} value={formatDuration(e.elapsed_time_s)}
              note={`${shortDay(e.day)}, ${e.previous_best_s == null ? t("reports.view.first") : t("reports.view.was", { time: formatDuration(e.previous_best_s) })}`} />
          ))}
        </dl>
      )}
    </Card>
  );
}

function Weeks({ content, units }: { content: ReportContent; units: Units }) {
  const { t } = useTranslation();
  return (
    <Card title={t("reports.view.weeks")}>
      <Suspense fallback={<Loading label={t("reports.view.loadingChart")} />}>
        <WeeklyChart weeks={content.weeks} units={units} />
      </Suspense>
      <TableWrap label={t("reports.view.weeksTable")}>
        <table>
          <caption className="visually-hidden">{t("reports.view.weeksCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("reports.view.week")}</th>
              <th scope="col" className="num">{t("common.runs")}</th>
              <th scope="col" className="num">{t("common.distance")}</th>
            </tr>
          </thead>
          <tbody>
            {content.weeks.map((w) => (
              <tr key={w.week_start} data-testid="report-week">
                <td>{weekRange(w)}</td>
                <td className="num">{w.runs}</td>
                <td className="num">{formatDistance(w.distance_m, units, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Card>
  );
}

function Ahead({ content, units }: { content: ReportContent; units: Units }) {
  const { plan, next_race: race, prediction_basis: basis } = content;
  const { t } = useTranslation();
  if (!plan && !race && !basis) return null;
  return (
    <Card title={t("reports.view.ahead")}>
      {plan && (
        <>
          <h3>{t("reports.view.plan")}</h3>
          <dl className="report-rows" data-testid="report-plan">
            <Row label={t("reports.view.planLabel")} value={<Link to={`/plans/${plan.plan_id}`}>{plan.name ?? t("reports.view.planNamed", { id: plan.plan_id })}</Link>} />
            <Row label={t("reports.view.done")} value={t("reports.view.doneOf", { done: plan.done, due: plan.done + plan.missed })}
              note={plan.share_pct == null ? t("reports.view.nothingDue") : `${plan.share_pct} %`} />
            <Row label={t("reports.view.planned")} value={plan.planned} />
          </dl>
        </>
      )}
      {race && (
        <>
          <h3>{t("reports.view.race")}</h3>
          <dl className="report-rows" data-testid="report-race">
            <Row label={t("reports.view.nextRace")} value={race.name} note={`${formatDay(race.date)}, ${formatDistance(race.distance_m, units, 1)}`} />
            <Row label={t("reports.view.countdown")} value={countdown(race.days_to_go)} note={t("reports.view.countedOn", { day: formatDay(content.as_of) })} />
            {race.predicted_time_s != null && <Row label={t("reports.view.predicted")} value={formatDuration(race.predicted_time_s)} />}
          </dl>
        </>
      )}
      {basis && (
        <>
          <h3>{t("reports.view.predictions")}</h3>
          <dl className="report-rows" data-testid="report-predictions">
            {content.predictions.map((p) => (
              <Row key={p.distance} label={effortName(p.distance)} value={formatDuration(p.time_s)} />
            ))}
          </dl>
          <p className="muted">
            {t("reports.view.riegel", { effort: effortName(basis.distance), time: formatDuration(basis.elapsed_time_s), day: shortDay(basis.day) })}
          </p>
        </>
      )}
    </Card>
  );
}

/** The report of a month, as the mail and the PDF tell it, in the runner's current units. */
export function ReportView({ content, units }: { content: ReportContent; units: Units }) {
  const label = monthLabel(content.month);
  const { t } = useTranslation();
  return (
    <div className="report">
      {!content.has_runs && (
        <div className="state state-empty report-rest" data-testid="report-no-runs">
          <p>{t("reports.view.rest", { month: label })}</p>
        </div>
      )}
      {content.has_runs && (
        <div className="two-columns">
          <Month content={content} units={units} />
          <Highlights content={content} units={units} />
        </div>
      )}
      {content.has_runs && <Weeks content={content} units={units} />}
      <Ahead content={content} units={units} />
      <p className="muted report-footnotes">
        {content.has_runs && `${t("reports.view.paceNote", { distance: formatDistance(FASTEST_PACE_MIN_M, units, 1) })} `}
        {t("reports.view.zoneNote", { zone: content.time_zone })}
      </p>
    </div>
  );
}
