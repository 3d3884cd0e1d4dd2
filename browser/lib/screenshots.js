'use strict';
// The screenshots the browser suite publishes to docs/screenshots/ (`npm run screenshots`). A shot
// to publish must be named here, and test/readme.test.ts checks that the README and docs/ show
// exactly these: none missing, none left over that nothing takes any more.
const README_SCREENSHOTS = [
	'canvas-dark',
	'credential-test-401',
	'credential-test-403',
	'credential-test-ok',
	'device-list',
	'first-workflow',
	'node-panel',
	'output-bad-key',
	'output-success',
	'parameters-send',
	'send-not-connected',
	'simulator-page',
	'trigger-fetch-test-event',
	'workflow-run',
];

module.exports = { README_SCREENSHOTS };
