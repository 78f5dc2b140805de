#!/usr/bin/env node
// The `motionfuse` command. The sources are TypeScript run directly: register tsx's loader for
// this process, then hand over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
// Every command has finished its work when main returns; a library handle left open (noble polls
// the Bluetooth adapter and has no close call) must not keep the process alive. Unref'd: a process
// with nothing left running ends before it fires.
setTimeout(() => process.exit(), 1000).unref();
