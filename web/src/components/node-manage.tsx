import { useState } from 'preact/hooks';
import { z } from 'zod';
import { nodeSchema, nodeUpdateBody } from '../../../src/protocol/index.js';
import type { Node } from '../../../src/protocol/index.js';
import { describeError, requestJson } from '../api.js';
import { isAdmin } from '../hub-store.js';
import type { HubStore, User } from '../hub-store.js';
import { cardMetricNames } from './node-card.js';
import { MetricCheckboxes } from './metric-checkboxes.js';

/** Rename, hide and pin metrics (operators and admins), and delete the node (admins). */
export function NodeManage({ node, store, user }: { node: Node; store: HubStore; user: User | null }) {
  const [name, setName] = useState(node.name ?? '');
  const [hidden, setHidden] = useState(node.hidden);
  const [pinned, setPinned] = useState<string[]>(node.pinned);
  const [status, setStatus] = useState('');
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  // The type name (nodeType) is the card's subtitle, so it is not offered as a metric to pin.
  const metricNames = Object.keys(node.metrics)
    .filter((name) => name !== 'nodeType')
    .sort((a, b) => a.localeCompare(b));

  const save = (event: Event): void => {
    event.preventDefault();
    const trimmed = name.trim();
    const parsed = nodeUpdateBody.safeParse({ name: trimmed === '' ? null : trimmed, hidden, pinned });
    if (!parsed.success) {
      setStatus(`Not saved: ${parsed.error.issues[0]?.message ?? 'invalid value'}.`);
      return;
    }
    setStatus('Saving…');
    requestJson('PATCH', `/api/nodes/${node.id}`, nodeSchema, parsed.data).then(
      (updated) => {
        store.applyNode(updated);
        setStatus('Saved.');
      },
      (error: unknown) => {
        setStatus(`Not saved: ${describeError(error)}`);
      },
    );
  };

  const remove = (): void => {
    setStatus('Deleting…');
    requestJson('DELETE', `/api/nodes/${node.id}`, z.unknown()).then(
      () => {
        store.removeNode(node.id);
        window.location.hash = '#/';
      },
      (error: unknown) => {
        setConfirmingDelete(false);
        setStatus(`Not deleted: ${describeError(error)}`);
      },
    );
  };

  return (
    <section class="panel" aria-labelledby="manage-title">
      <h2 id="manage-title">Manage</h2>
      <form class="stacked-form" onSubmit={save}>
        <label>
          Name
          <input type="text" name="name" maxLength={40} autoComplete="off" value={name} placeholder={`Node ${node.id}`} onInput={(event) => setName(event.currentTarget.value)} />
        </label>
        <label class="checkbox">
          <input type="checkbox" name="hidden" checked={hidden} onChange={(event) => setHidden(event.currentTarget.checked)} />
          Hide from the dashboard
        </label>
        {metricNames.length > 0 && (
          <MetricCheckboxes
            legend={`Metrics pinned to the card (none pinned shows ${cardMetricNames({ ...node, pinned: [] }).join(', ') || 'none'})`}
            field="pinned"
            names={metricNames}
            checked={pinned}
            onChange={setPinned}
          />
        )}
        <button type="submit">Save</button>
        <output class="form-status" aria-live="polite">
          {status}
        </output>
      </form>
      {isAdmin(user) && (
        <div class="danger-zone">
          {confirmingDelete ? (
            <>
              <p>Delete node {node.id} and all its history? This cannot be undone.</p>
              <button type="button" class="danger" onClick={remove}>
                Delete for good
              </button>{' '}
              <button type="button" onClick={() => setConfirmingDelete(false)}>
                Keep the node
              </button>
            </>
          ) : (
            <button type="button" class="danger" onClick={() => setConfirmingDelete(true)}>
              Delete node…
            </button>
          )}
        </div>
      )}
    </section>
  );
}
