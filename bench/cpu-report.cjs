// Preloaded into a bench child (node --require): prints the process's own CPU time when it
// exits, so the class benchmark can tell the machine's CPU floor from the tutorial's waiting.
'use strict';
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\nBENCH_CPU_US ${user + system}\n`);
});
