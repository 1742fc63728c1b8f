import type { Node } from '../../../src/protocol/index.js';
import type { HubConnection } from '../hub-connection.js';
import type { HubStore } from '../hub-store.js';
import { kindOf, presetCommands } from '../kinds.js';
import { CommandForm } from './command-form.js';

/** Buttons for the commands that fit the node's kind, then the raw command box; for operators and admins. */
export function NodeControls({ node, store, connection }: { node: Node; store: HubStore; connection: HubConnection }) {
  const presets = presetCommands[kindOf(node)];
  return (
    <section class="panel" aria-labelledby="controls-title">
      <h2 id="controls-title">Controls</h2>
      {presets.length > 0 && (
        <div class="preset-commands" role="group" aria-label="Quick commands">
          {presets.map((preset) => (
            <button
              key={preset.payload}
              type="button"
              title={`Sends ${preset.payload}`}
              onClick={() => {
                connection.sendCommand(node.id, preset.payload);
              }}
            >
              {preset.label}
            </button>
          ))}
        </div>
      )}
      <CommandForm nodeId={node.id} store={store} connection={connection} />
    </section>
  );
}
