import { lazy, Suspense, type ReactNode } from "react";
import { Link } from "react-router";
import { formatDay, formatDistance, formatDuration, formatElevation, formatTimeSpent, type Units } from "../format/units";
import { Card } from "../ui/Card";
import { Loading } from "../ui/States";
import { TableWrap } from "../ui/TableWrap";
import {
  countdown,
  EFFORT_NAMES,
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

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

function Month({ content, units }: { content: ReportContent; units: Units }) {
  const { totals } = content;
  return (
    <Card title="The month">
      <dl className="figures" data-testid="report-totals">
        <div><dt>Distance</dt><dd>{formatDistance(totals.distance_m, units, 1)}</dd></div>
        <div><dt>Moving time</dt><dd>{formatTimeSpent(totals.moving_time_s)}</dd></div>
        <div><dt>Runs</dt><dd>{totals.runs}</dd></div>
        <div><dt>Elevation gain</dt><dd>{formatElevation(totals.elevation_gain_m, units)}</dd></div>
      </dl>
      <h3>Compared</h3>
      <dl className="report-rows" data-testid="report-comparisons">
        {content.comparisons.map((c) => (
          <Row key={c.kind} label={`Against ${monthLabel(c.month)}`} value={formatChange(c, units)}
            note={c.totals.runs > 0 ? `${formatDistance(c.totals.distance_m, units, 1)}, ${plural(c.totals.runs, "run")} then` : undefined} />
        ))}
      </dl>
    </Card>
  );
}

function Highlights({ content, units }: { content: ReportContent; units: Units }) {
  const { longest_run: longest, fastest_run: fastest, best_efforts: efforts } = content;
  return (
    <Card title="Highlights">
      <dl className="report-rows" data-testid="report-highlights">
        {longest && (
          <Row label="Longest run" value={`${formatDistance(longest.distance_m, units, 1)} in ${formatDuration(longest.moving_time_s)}`}
            note={<><Link to={`/runs/${longest.run_id}`}>{longest.name}</Link>, {shortDay(longest.day)}</>} />
        )}
        {fastest && (
          <Row label="Fastest pace" value={formatPacePerKm(fastest.pace_s_per_km, units)}
            note={<><Link to={`/runs/${fastest.run_id}`}>{fastest.name}</Link>, {shortDay(fastest.day)}, {formatDistance(fastest.distance_m, units, 1)}</>} />
        )}
      </dl>
      {!fastest && <p className="muted">No run of {formatDistance(FASTEST_PACE_MIN_M, units, 1)} or more: no pace to report.</p>}
      <h3>Best efforts set</h3>
      {efforts.length === 0 ? (
        <p className="muted">No new best effort this month.</p>
      ) : (
        <dl className="report-rows" data-testid="report-efforts">
          {efforts.map((e) => (
            <Row key={e.distance} label={EFFORT_NAMES[e.distance] ?? e.distance} value={formatDuration(e.elapsed_time_s)}
              note={`${shortDay(e.day)}, ${e.previous_best_s == null ? "your first at this distance" : `was ${formatDuration(e.previous_best_s)}`}`} />
          ))}
        </dl>
      )}
    </Card>
  );
}

function Weeks({ content, units }: { content: ReportContent; units: Units }) {
  return (
    <Card title="Week by week">
      <Suspense fallback={<Loading label="Loading the chart…" />}>
        <WeeklyChart weeks={content.weeks} units={units} />
      </Suspense>
      <TableWrap label="Distance per week table">
        <table>
          <caption className="visually-hidden">Distance per week</caption>
          <thead>
            <tr>
              <th scope="col">Week</th>
              <th scope="col" className="num">Runs</th>
              <th scope="col" className="num">Distance</th>
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
  if (!plan && !race && !basis) return null;
  return (
    <Card title="Looking ahead">
      {plan && (
        <>
          <h3>Your plan</h3>
          <dl className="report-rows" data-testid="report-plan">
            <Row label="Plan" value={<Link to={`/plans/${plan.plan_id}`}>{plan.name ?? `Plan ${plan.plan_id}`}</Link>} />
            <Row label="Workouts done" value={`${plan.done} of ${plan.done + plan.missed}`}
              note={plan.share_pct == null ? "nothing due yet" : `${plan.share_pct} %`} />
            <Row label="Workouts planned this month" value={plan.planned} />
          </dl>
        </>
      )}
      {race && (
        <>
          <h3>Your next race</h3>
          <dl className="report-rows" data-testid="report-race">
            <Row label="Next race" value={race.name} note={`${formatDay(race.date)}, ${formatDistance(race.distance_m, units, 1)}`} />
            <Row label="Countdown" value={countdown(race.days_to_go)} note={`counted on ${formatDay(content.as_of)}`} />
            {race.predicted_time_s != null && <Row label="Predicted time" value={formatDuration(race.predicted_time_s)} />}
          </dl>
        </>
      )}
      {basis && (
        <>
          <h3>Race predictions</h3>
          <dl className="report-rows" data-testid="report-predictions">
            {content.predictions.map((p) => (
              <Row key={p.distance} label={EFFORT_NAMES[p.distance] ?? p.distance} value={formatDuration(p.time_s)} />
            ))}
          </dl>
          <p className="muted">
            Predicted with Riegel's formula from your best recent effort: {EFFORT_NAMES[basis.distance] ?? basis.distance} in{" "}
            {formatDuration(basis.elapsed_time_s)} on {shortDay(basis.day)}.
          </p>
        </>
      )}
    </Card>
  );
}

/** The report of a month, as the mail and the PDF tell it, in the runner's current units. */
export function ReportView({ content, units }: { content: ReportContent; units: Units }) {
  const label = monthLabel(content.month);
  return (
    <div className="report">
      {!content.has_runs && (
        <div className="state state-empty report-rest" data-testid="report-no-runs">
          <p>
            No runs were recorded in {label}. Rest is part of training too; whenever you lace up again, your next
            report will show it.
          </p>
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
        {content.has_runs && `Fastest pace counts runs of ${formatDistance(FASTEST_PACE_MIN_M, units, 1)} or more. `}
        Days are counted in your time zone, {content.time_zone}.
      </p>
    </div>
  );
}
