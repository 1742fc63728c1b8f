import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { requestCreateBody, requestSchema } from '../../../src/protocol/index.js';
import type { NodeRequest } from '../../../src/protocol/index.js';
import { describeError, isMissingRoute, requestJson } from '../api.js';
import { canSendCommands } from '../hub-store.js';
import type { HubStore } from '../hub-store.js';
import { useObservable } from '../observable.js';
import { RelativeTime } from './relative-time.js';

/** The hub returns either the bare list or `{ requests: [...] }`; both are accepted. */
const requestListSchema = z.union([z.array(requestSchema), z.object({ requests: z.array(requestSchema) }).transform((body) => body.requests)]);

const stateLabels: Record<NodeRequest['state'], string> = {
  pending: 'pending',
  ok: 'ok',
  invalid: 'invalid',
  timedOut: 'timed out',
  cancelled: 'cancelled',
};

/** Requests queued for a sleeping node: their status, a form to make one and a cancel button per pending one. */
export function NodeRequests({ nodeId, store }: { nodeId: number; store: HubStore }) {
  const all = useObservable(store.requests);
  const user = useObservable(store.user);
  const [loadError, setLoadError] = useState<string | null>(null);
  const requests = [...all.values()].filter((request) => request.nodeId === nodeId).sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));

  useEffect(() => {
    requestJson('GET', `/api/nodes/${nodeId}/requests`, requestListSchema).then(
      (list) => {
        store.mergeRequests(list);
      },
      (error: unknown) => {
        setLoadError(isMissingRoute(error) ? 'this hub does not offer requests.' : describeError(error));
      },
    );
  }, [nodeId, store]);

  return (
    <section class="panel" aria-labelledby="requests-title">
      <h2 id="requests-title">Requests</h2>
      <p class="help">A request waits on the radio gateway until the sleeping node wakes and takes it.</p>
      {loadError !== null && (
        <p class="form-error" role="alert">
          Could not load older requests: {loadError}
        </p>
      )}
      {requests.length === 0 ? (
        <p class="placeholder">No requests for this node.</p>
      ) : (
        <table class="requests">
          <caption class="visually-hidden">Requests for node {nodeId}</caption>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Value</th>
              <th scope="col">Status</th>
              <th scope="col">Made</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {requests.map((request) => (
              <RequestRow key={request.id} request={request} canCancel={canSendCommands(user)} />
            ))}
          </tbody>
        </table>
      )}
      {canSendCommands(user) && <RequestForm nodeId={nodeId} store={store} />}
    </section>
  );
}

function RequestRow({ request, canCancel }: { request: NodeRequest; canCancel: boolean }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <tr data-request-id={request.id}>
      <td>{request.name}</td>
      <td>{request.value ?? ''}</td>
      <td>
        <span class={`request-state request-state-${request.state}`} data-field="request-state">
          {stateLabels[request.state]}
        </span>
        {error !== null && <span class="form-error"> {error}</span>}
      </td>
      <td>
        <RelativeTime iso={request.createdAt} /> by {request.user}
      </td>
      <td>
        {canCancel && request.state === 'pending' && (
          <button
            type="button"
            onClick={() => {
              setError(null);
              requestJson('DELETE', `/api/requests/${encodeURIComponent(request.id)}`, z.unknown()).catch((failure: unknown) => {
                setError(describeError(failure));
              });
            }}
          >
            Cancel
          </button>
        )}
      </td>
    </tr>
  );
}

function RequestForm({ nodeId, store }: { nodeId: number; store: HubStore }) {
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [status, setStatus] = useState<string>('');
  const [busy, setBusy] = useState(false);

  return (
    <form
      class="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        const body = requestCreateBody.safeParse(value === '' ? { name } : { name, value });
        if (!body.success) {
          setStatus(`Not sent: ${body.error.issues[0]?.message ?? 'invalid request'}.`);
          return;
        }
        setBusy(true);
        setStatus('Sending…');
        requestJson('POST', `/api/nodes/${nodeId}/requests`, requestSchema, body.data).then(
          (created) => {
            store.applyRequest(created);
            setStatus(`Queued ${created.name}.`);
            setName('');
            setValue('');
            setBusy(false);
          },
          (error: unknown) => {
            setStatus(`Not sent: ${describeError(error)}`);
            setBusy(false);
          },
        );
      }}
    >
      <h3>New request</h3>
      <label>
        Setting
        <input type="text" name="name" required maxLength={16} autoComplete="off" spellcheck={false} value={name} placeholder="P_TXP" onInput={(event) => setName(event.currentTarget.value)} />
      </label>
      <label>
        Value (optional)
        <input type="text" name="value" maxLength={16} autoComplete="off" spellcheck={false} value={value} onInput={(event) => setValue(event.currentTarget.value)} />
      </label>
      <button type="submit" disabled={busy}>
        Queue request
      </button>
      <output class="form-status" aria-live="polite">
        {status}
      </output>
    </form>
  );
}
