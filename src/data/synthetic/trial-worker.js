// Entry of a worker thread that generates synthetic trials (run by piscina; see trial-pool.ts).
// The sources are TypeScript run directly: register tsx's loader in this thread (a worker does
// not inherit the parent's), then hand over to the worker's code.
import { register } from 'tsx/esm/api';

register();
const { runTrialTask } = await import('./trial-worker-main.ts');
export default runTrialTask;
