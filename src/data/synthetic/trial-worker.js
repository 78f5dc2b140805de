// Entry of a worker thread that generates synthetic trials. The sources are TypeScript run
// directly: register tsx's loader in this thread (a worker does not inherit the parent's), then
// load the worker's code.
import { register } from 'tsx/esm/api';

register();
await import('./trial-worker-main.ts');
