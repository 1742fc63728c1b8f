import { render } from 'preact';
import { config as configureZod } from 'zod';
import { startClock } from './clock.js';
import { App } from './components/app.js';
import { HubConnection } from './hub-connection.js';
import { HubStore } from './hub-store.js';
import { webSocketUrl } from './web-socket-url.js';
import './styles.css';

// Zod's fast path compiles validators with `new Function`, which the page's CSP (no 'unsafe-eval') blocks
// and reports as a violation even though Zod catches the error. Jitless mode skips that probe.
configureZod({ jitless: true });

const root = document.getElementById('app');
if (root === null) {
  throw new Error('index.html is missing the <div id="app"> element that the UI renders into.');
}

const store = new HubStore();
const connection = new HubConnection(webSocketUrl(window.location), store);
startClock();
render(<App store={store} connection={connection} />, root);
connection.start();
