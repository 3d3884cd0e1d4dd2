#!/usr/bin/env node
'use strict';
// Starts the WAPing simulator with the demo workspace: `node simulator/cli.js [--port 5680]`.
const { startSimulator, demoKeys } = require('./index');

const portArg = process.argv.indexOf('--port');
const port =
	portArg > 0 ? Number(process.argv[portArg + 1]) : Number(process.env.WAPING_SIM_PORT ?? 5680);

startSimulator({ port, log: (line) => process.stdout.write(`[waping-simulator] ${line}\n`) }).then(
	(sim) => {
		process.stdout.write(
			`WAPing simulator on ${sim.url} (open it in a browser for its page: devices, messages, webhooks)\n`,
		);
		for (const [name, key] of Object.entries(demoKeys))
			process.stdout.write(`  ${name.padEnd(9)} key: ${key}\n`);
		const stop = () => sim.close().then(() => process.exit(0));
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
	},
);
