// Loaded on demand by the node page, so that uPlot and its stylesheet stay out of the first load.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { HistorySeries } from '../../src/protocol/index.js';

type NumericSeries = Extract<HistorySeries, { kind: 'numeric' }>;

/** Line colours for the metrics of one chart, in order; readable on the light and the dark theme. */
const colours = ['#1f77d0', '#d9480f', '#2b8a3e', '#9c36b5', '#c92a2a', '#0b7285'];

export interface ChartHandle {
  /** Replaces the data, for example after a live reading was appended to a series. */
  update(series: readonly NumericSeries[]): void;
  resize(width: number): void;
  destroy(): void;
}

/**
 * Aligns the series on one time axis. Rolled-up series get min and max lines beside the mean, so a
 * spike stays visible after averaging.
 */
function alignedData(series: readonly NumericSeries[]): uPlot.AlignedData {
  const tables: uPlot.AlignedData[] = series.map((one) =>
    one.resolution === 'raw' ? [one.times, one.mean] : [one.times, one.mean, one.min, one.max],
  );
  if (tables.length === 1 && tables[0] !== undefined) {
    return tables[0];
  }
  return uPlot.join(tables);
}

function timeRange(series: readonly NumericSeries[]): [number, number] {
  const from = Math.min(...series.map((one) => one.from));
  const to = Math.max(...series.map((one) => one.to));
  return Number.isFinite(from) && Number.isFinite(to) && to > from ? [from, to] : [Date.now() - 3_600_000, Date.now()];
}

function seriesOptions(series: readonly NumericSeries[]): uPlot.Series[] {
  const options: uPlot.Series[] = [{}];
  series.forEach((one, index) => {
    const stroke = colours[index % colours.length] ?? '#1f77d0';
    const unit = one.unit === null ? '' : ` (${one.unit})`;
    options.push({ label: `${one.metric}${unit}`, stroke, width: 2, spanGaps: true });
    if (one.resolution !== 'raw') {
      options.push({ label: `${one.metric} min`, stroke, width: 1, dash: [4, 4], spanGaps: true });
      options.push({ label: `${one.metric} max`, stroke, width: 1, dash: [4, 4], spanGaps: true });
    }
  });
  return options;
}

/**
 * Draws the series into `container`. Dragging across the chart calls `onZoom` with the selected time
 * range in epoch milliseconds, so the caller can fetch that range at a finer resolution.
 */
export function drawChart(container: HTMLElement, series: readonly NumericSeries[], width: number, onZoom: (from: number, to: number) => void): ChartHandle {
  const axisStroke = getComputedStyle(container).color;
  // The x axis spans the asked range, not just the readings in it, so a gap shows as a gap.
  let xRange = timeRange(series);
  const options: uPlot.Options = {
    width,
    height: 260,
    ms: 1,
    scales: { x: { time: true, range: () => xRange } },
    series: seriesOptions(series),
    axes: [
      { stroke: axisStroke, grid: { stroke: 'rgba(128,128,128,0.2)' } },
      { stroke: axisStroke, grid: { stroke: 'rgba(128,128,128,0.2)' } },
    ],
    cursor: { drag: { x: true, y: false, setScale: false } },
    hooks: {
      setSelect: [
        (plot: uPlot) => {
          const { left, width: selectedWidth } = plot.select;
          if (selectedWidth < 2) {
            return;
          }
          const from = plot.posToVal(left, 'x');
          const to = plot.posToVal(left + selectedWidth, 'x');
          plot.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          onZoom(Math.floor(from), Math.ceil(to));
        },
      ],
    },
  };
  const plot = new uPlot(options, alignedData(series), container);
  return {
    update(next) {
      xRange = timeRange(next);
      plot.setData(alignedData(next));
    },
    resize(nextWidth) {
      plot.setSize({ width: nextWidth, height: 260 });
    },
    destroy() {
      plot.destroy();
    },
  };
}
