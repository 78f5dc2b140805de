// Entry of a worker thread that generates synthetic takes (run by piscina; see take-pool.ts).
// The sources are TypeScript run directly: register tsx's loader in this thread (a worker does
// not inherit the parent's), then hand over to the worker's code.
import { register } from 'tsx/esm/api';

register();
const { runTakeTask } = await import('./take-worker-main.ts');
export default runTakeTask;
