import { useState } from 'preact/hooks';
import { maxPayloadLength } from '../../../src/protocol/index.js';
import type { HubConnection } from '../hub-connection.js';
import type { CommandStatus, HubStore } from '../hub-store.js';
import { useObservable } from '../observable.js';

interface CommandFormProps {
  nodeId: number;
  store: HubStore;
  connection: HubConnection;
}

/** Renders a payload box and a send button for one node, with the status of the last command sent from it. */
export function CommandForm({ nodeId, store, connection }: CommandFormProps) {
  const [payload, setPayload] = useState('');
  const status = useObservable(store.command(nodeId));
  const inputId = `command-${nodeId}`;

  return (
    <form
      class="command"
      onSubmit={(event) => {
        event.preventDefault();
        if (payload !== '') {
          connection.sendCommand(nodeId, payload);
        }
      }}
    >
      <label for={inputId}>Command to node {nodeId}</label>
      <div class="command-row">
        <input
          id={inputId}
          name="payload"
          type="text"
          required
          maxLength={maxPayloadLength}
          autoComplete="off"
          spellcheck={false}
          value={payload}
          onInput={(event) => {
            setPayload(event.currentTarget.value);
          }}
        />
        <button type="submit">Send</button>
      </div>
      <output for={inputId} class={`command-status command-status-${status?.state ?? 'none'}`} aria-live="polite">
        {status === null ? '' : describeStatus(status)}
      </output>
    </form>
  );
}

function describeStatus(status: CommandStatus): string {
  switch (status.state) {
    case 'pending':
      return `Sending "${status.payload}"…`;
    case 'sent':
      return `Sent "${status.payload}".`;
    case 'queued':
      return `Queued "${status.payload}" until the radio link reopens.`;
    case 'expired':
      return `"${status.payload}" expired before the radio link reopened.`;
    case 'failed':
      return `The hub could not send "${status.payload}" to the radio.`;
    case 'error':
      return `Not sent: ${status.message ?? 'unknown error'}`;
  }
}
