// Must stay the first import, because it configures Zod before the wire schemas are built.
import './zod-config.js';
import { render } from 'preact';
import { startClock } from './clock.js';
import './theme.js';
import { App } from './components/app.js';
import { HubConnection } from './hub-connection.js';
import { HubStore } from './hub-store.js';
import { webSocketUrl } from './web-socket-url.js';
import './styles.css';

const root = document.getElementById('app');
if (root === null) {
  throw new Error('index.html is missing the <div id="app"> element that the UI renders into.');
}

const store = new HubStore();
const connection = new HubConnection(webSocketUrl(window.location), store);
startClock();
render(<App store={store} connection={connection} />, root);
connection.start();
