import { config } from 'zod';

// Zod's fast path compiles validators with `new Function`, which the page's CSP (no 'unsafe-eval') blocks
// and reports as a violation even though Zod catches the error. Zod decides when a schema is built, so
// main.tsx imports this module before any module that defines schemas.
config({ jitless: true });
