import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { HistorySeries, Node } from '../../../src/protocol/index.js';
import { describeError, isMissingRoute } from '../api.js';
import type { ChartHandle } from '../chart.js';
import { formatLocalTime } from '../format.js';
import { appendReading, csvUrl, fetchHistory, initialRange, rangeDurations } from '../history.js';
import { batteryMetricName } from '../kinds.js';
import type { RangeName } from '../history.js';
import { StateTimeline } from './state-timeline.js';
import { MetricCheckboxes } from './metric-checkboxes.js';

/** Returns the metric a chart starts with: the first pinned numeric one, else the first that is not the battery. */
function defaultChartMetrics(node: Node, numericNames: string[]): string[] {
  const battery = batteryMetricName(node.metrics);
  const first = node.pinned.find((name) => numericNames.includes(name)) ?? numericNames.find((name) => name !== battery) ?? numericNames[0];
  return first === undefined ? [] : [first];
}

function historyProblem(failure: unknown): string {
  return isMissingRoute(failure) ? 'this hub does not keep a history of readings.' : describeError(failure);
}

type NumericSeries = Extract<HistorySeries, { kind: 'numeric' }>;
type StateSeries = Extract<HistorySeries, { kind: 'state' }>;

/** A time window: a range ending now (live), or a fixed window the user zoomed into. */
type Window = { range: RangeName; zoom: { from: number; to: number } | null };

function windowBounds(window: Window, now: number): { from: number; to: number } {
  return window.zoom ?? { from: now - rangeDurations[window.range], to: now };
}

/**
 * Renders a node's history: numeric metrics on one uPlot chart (the user picks which), text metrics
 * as state timelines, a range picker, drag to zoom, live extension and CSV links.
 */
export function HistorySection({ node }: { node: Node }) {
  const numericNames = Object.entries(node.metrics)
    .filter(([, metric]) => typeof metric.value === 'number')
    .map(([name]) => name)
    .sort((a, b) => a.localeCompare(b));
  // The type name (nodeType) is a label, not a state worth a timeline.
  const stateNames = Object.entries(node.metrics)
    .filter(([name, metric]) => typeof metric.value === 'string' && name !== 'nodeType')
    .map(([name]) => name)
    .sort((a, b) => a.localeCompare(b));

  const [chosen, setChosen] = useState<string[] | null>(null);
  const selected = (chosen ?? defaultChartMetrics(node, numericNames)).filter((name) => numericNames.includes(name));
  const [window, setWindow] = useState<Window>(() => ({ range: initialRange(node.firstSeen, Date.now()), zoom: null }));
  // A live range ends when it was chosen, and readings after that extend the series in place.
  const bounds = useMemo(() => windowBounds(window, Date.now()), [window]);

  return (
    <section class="panel" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <div class="toolbar" role="group" aria-label="Time range">
        {(Object.keys(rangeDurations) as RangeName[]).map((range) => (
          <button
            key={range}
            type="button"
            class="range-button"
            aria-pressed={window.zoom === null && window.range === range}
            onClick={() => {
              setWindow({ range, zoom: null });
            }}
          >
            {range}
          </button>
        ))}
        {window.zoom !== null && (
          <button
            type="button"
            onClick={() => {
              setWindow({ range: window.range, zoom: null });
            }}
          >
            Reset zoom
          </button>
        )}
      </div>
      <p class="range-label" data-field="history-range">
        {formatLocalTime(new Date(bounds.from).toISOString())} to {formatLocalTime(new Date(bounds.to).toISOString())}
        {window.zoom === null ? ' (live)' : ' (zoomed)'}
      </p>
      {numericNames.length > 0 && (
        <MetricCheckboxes class="metric-picker" legend="Metrics on the chart" field="chartMetric" names={numericNames} checked={selected} onChange={setChosen} />
      )}
      {selected.length > 0 && (
        <NumericChart
          node={node}
          metrics={selected}
          from={bounds.from}
          to={bounds.to}
          live={window.zoom === null}
          onZoom={(from, to) => {
            setWindow({ range: window.range, zoom: { from, to } });
          }}
        />
      )}
      {numericNames.length === 0 && stateNames.length === 0 && <p class="placeholder">This node has no metrics to graph yet.</p>}
      {stateNames.map((name) => (
        <StateHistory key={name} node={node} metric={name} from={bounds.from} to={bounds.to} live={window.zoom === null} />
      ))}
    </section>
  );
}

interface ChartProps {
  node: Node;
  metrics: string[];
  from: number;
  to: number;
  live: boolean;
  onZoom: (from: number, to: number) => void;
}

function NumericChart({ node, metrics, from, to, live, onZoom }: ChartProps) {
  const [series, setSeries] = useState<NumericSeries[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<ChartHandle | null>(null);
  const onZoomRef = useRef(onZoom);
  onZoomRef.current = onZoom;
  const key = metrics.join('\n');

  // Fetch the series whenever the metrics or the window change.
  useEffect(() => {
    let cancelled = false;
    setError(null);
    Promise.all(metrics.map((metric) => fetchHistory(node.id, metric, from, to))).then(
      (results) => {
        if (!cancelled) {
          setSeries(results.filter((result): result is NumericSeries => result.kind === 'numeric'));
        }
      },
      (failure: unknown) => {
        if (!cancelled) {
          setError(historyProblem(failure));
          setSeries(null);
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [node.id, key, from, to]);

  // Append readings that arrive while the chart shows a window ending now.
  useEffect(() => {
    if (!live || series === null) {
      return;
    }
    const next = series.map((one) => {
      const metric = node.metrics[one.metric];
      return metric === undefined ? one : (appendReading(one, Date.parse(metric.time), metric.value) as NumericSeries);
    });
    if (next.some((one, index) => one !== series[index])) {
      setSeries(next);
    }
  }, [node, live, series]);

  // Draw with uPlot, which is loaded on first use.
  useEffect(() => {
    const element = container.current;
    if (element === null || series === null) {
      return;
    }
    if (chart.current !== null) {
      chart.current.update(series);
      return;
    }
    let cancelled = false;
    void import('../chart.js').then(({ drawChart }) => {
      if (cancelled) {
        return;
      }
      chart.current = drawChart(element, series, element.clientWidth, (zoomFrom, zoomTo) => {
        onZoomRef.current(zoomFrom, zoomTo);
      });
    });
    return () => {
      cancelled = true;
    };
  }, [series]);

  // A new set of metrics needs new series options, so the chart is rebuilt.
  useEffect(
    () => () => {
      chart.current?.destroy();
      chart.current = null;
    },
    [key],
  );

  useEffect(() => {
    const element = container.current;
    if (element === null) {
      return;
    }
    const observer = new ResizeObserver(() => {
      chart.current?.resize(element.clientWidth);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
    };
  }, []);

  const points = series?.reduce((total, one) => total + one.times.length, 0) ?? 0;
  return (
    <div class="chart-block">
      {error !== null && (
        <p class="form-error" role="alert">
          History not available: {error}
        </p>
      )}
      <div class="chart" ref={container} data-points={points} aria-label={`Chart of ${metrics.join(', ')}`} role="img" />
      <p class="chart-help">Drag across the chart to zoom into a time range.</p>
      <ul class="csv-links">
        {metrics.map((metric) => (
          <li key={metric}>
            <a href={csvUrl(node.id, metric, from, to)} download={`node-${node.id}-${metric}.csv`}>
              Download {metric} as CSV
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

function StateHistory({ node, metric, from, to, live }: { node: Node; metric: string; from: number; to: number; live: boolean }) {
  const [series, setSeries] = useState<StateSeries | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    fetchHistory(node.id, metric, from, to).then(
      (result) => {
        if (!cancelled && result.kind === 'state') {
          setSeries(result);
        }
      },
      (failure: unknown) => {
        if (!cancelled) {
          setError(historyProblem(failure));
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [node.id, metric, from, to]);

  useEffect(() => {
    const reading = node.metrics[metric];
    if (!live || series === null || reading === undefined) {
      return;
    }
    const next = appendReading(series, Date.parse(reading.time), reading.value) as StateSeries;
    if (next !== series) {
      setSeries(next);
    }
  }, [node, live, series, metric]);

  return (
    <div class="timeline-block" data-metric-timeline={metric}>
      <h3>{metric}</h3>
      {error !== null && (
        <p class="form-error" role="alert">
          History not available: {error}
        </p>
      )}
      {series !== null && <StateTimeline series={series} end={live ? Math.max(Date.now(), series.to) : series.to} />}
      <a href={csvUrl(node.id, metric, from, to)} download={`node-${node.id}-${metric}.csv`}>
        Download {metric} as CSV
      </a>
    </div>
  );
}

