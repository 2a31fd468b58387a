#!/usr/bin/env node
// The shipline command line: runs the bundled CLI (built by `npm run build` into dist/cli).
await import('../dist/cli/index.js')
