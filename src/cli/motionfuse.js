#!/usr/bin/env node
// The `motionfuse` command. The sources are TypeScript run directly: register tsx's loader for
// this process, then hand over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
