// Entry point of the `egress-tutorial` bin. (Placeholder until the CLI lands.)
process.stdout.write('egress-tutorial 0.1.0\n');
