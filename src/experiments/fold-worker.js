// Entry of a worker thread that runs one trial's fold (run by piscina; see fold-pool.ts). The
// sources are TypeScript run directly: register tsx's loader in this thread (a worker does not
// inherit the parent's), then hand over to the worker's code.
import { register } from 'tsx/esm/api';

register();
const { runFoldTask } = await import('./fold-worker-main.ts');
export default runFoldTask;
