import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildCsvExport } from './history-csv.js';
import { parseHistoryRange } from './history-params.js';
import type { HistoryService } from './history-service.js';
import { parseNodeId } from './rest.js';

interface HistoryRoute {
  Params: { id: string; metric: string };
  Querystring: Record<string, unknown>;
}

/** Registers GET /api/nodes/:id/metrics/:metric/history and its .csv export, both with read access. */
export function registerHistoryRoutes(app: FastifyInstance, history: HistoryService, now: () => Date): void {
  app.get<HistoryRoute>('/api/nodes/:id/metrics/:metric/history', { config: { access: 'read' } }, (request) => {
    const nodeId = parseNodeId(request.params.id);
    const range = parseHistoryRange(request.query, now().getTime());
    const metric = history.metric(nodeId, request.params.metric);
    return history.series(metric, range.from, range.to, range.points);
  });

  app.get<HistoryRoute>('/api/nodes/:id/metrics/:metric/history.csv', { config: { access: 'read' } }, (request, reply) => {
    const nodeId = parseNodeId(request.params.id);
    const range = parseHistoryRange(request.query, now().getTime());
    const metric = history.metric(nodeId, request.params.metric);
    const csv = buildCsvExport(history.exportDatabase(), metric, range.from, range.to);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${csv.fileName}"`)
      .header('x-history-resolution', csv.resolution)
      .header('x-history-truncated', String(csv.truncated))
      .send(Readable.from(csv.chunks));
  });
}
