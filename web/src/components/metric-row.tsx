import type { Metric } from '../../../src/protocol/index.js';
import { formatMetricValue, metricLabel } from '../format.js';
import { RelativeTime } from './relative-time.js';

/** Renders one metric as a table row: its name, its value with unit, and how long ago it arrived. */
export function MetricRow({ name, metric }: { name: string; metric: Metric }) {
  return (
    <tr data-metric={name}>
      <th scope="row" title={name}>
        {metricLabel(name)}
      </th>
      <td class="metric-value">{formatMetricValue(metric)}</td>
      <td>
        <RelativeTime iso={metric.time} />
      </td>
    </tr>
  );
}
