#!/usr/bin/env node
// The espimp command: loads the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../host/cli.ts');
process.exitCode = await main(process.argv);
