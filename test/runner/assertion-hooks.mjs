// Loaded with --import by each test worker: every `uvu/assert` import outside counted-assert.ts
// resolves to counted-assert.ts, which counts each assertion before making it.
import { register } from 'node:module';

register('./assertion-resolve.mjs', import.meta.url);
