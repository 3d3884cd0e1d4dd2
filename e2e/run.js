#!/usr/bin/env node
'use strict';
/*
 * End-to-end suite: the packed package inside real n8n (scripts/n8n-runtime.js: Node 24 + n8n 2.41.1,
 * installed into a cache on first use), against the WAPing simulator on 127.0.0.1.
 *
 *   1. build, `npm pack`, check the tarball (files, n8n section, no runtime dependencies);
 *   2. n8n's verification scan (@n8n/scan-community-package's own analyzePackage, e2e/scan.js) on the
 *      source tree and on the packed package, as its CLI runs it;
 *   3. install the tarball as a community package into a fresh n8n user folder;
 *   4. import a credential per demo key and, per example with a WAPing node, one workflow that runs
 *      the example's nodes for every credential with "On Error" off and on "Continue (using error
 *      output)", plus extra variants (devices, options); `n8n execute` each one and check which
 *      output of the WAPing node every item reached, its fields (the node's words in full), the nodes
 *      downstream (the examples' alert texts in full), the requests the simulator saw (none for a
 *      declared Free plan) and, for Message → Send, the messages it accepted. The Send matrix runs
 *      twice: the second run's items are replays (same message ids) and no message is accepted again.
 *      Examples whose only trigger is the WAPing Trigger stay out of the matrix (e2e/trigger.js
 *      covers the trigger in real n8n);
 *   5. `n8n start`: the node and credential types load without warnings, the credential test over
 *      REST (good, revoked, denied, refused before any request, a redirect, a page that is not the
 *      API), and each example as shipped run from its own triggers (the WAPing Trigger's manual run,
 *      which is what Fetch Test Event runs, included).
 *
 * On both n8n lines (`--line=N` for one), on e2e/harness; ends with `e2e: N passed, N failed`. A
 * check whose expectation differs on 1.x says so in its name ("on n8n 1.x: ..."): nothing is skipped.
 * Env: WAPING_E2E_KEEP=1 keeps the work folder (it is kept anyway when a check failed).
 */
const assert = require('assert/strict');
const fs = require('fs');
const fsp = require('fs/promises');
const path = require('path');
const cp = require('child_process');

const rt = require('../scripts/n8n-runtime');
const demo = require('../scripts/demo');
const { buildMatrix, mergeMatrices, copyName, START } = require('./matrix');
const { scanPackage } = require('./scan');
const words = require('./words');
const { createSuite } = require('./harness/runner');
const stack = require('./harness/stack');
const { credentials, editor } = require('./harness/workflows');
const { startRecorder } = require('./harness/util');

const s = createSuite('e2e', {
	lines: __filename,
	keepEnv: 'WAPING_E2E_KEEP',
	footer: (suite) =>
		`\nn8n ${suite.line.n8nVersion}, Node ${suite.line.nodeVersion}; ${suite.elapsed()}`,
});
const { out, check, section, elapsed } = s;

const {
	assertSubset,
	devicesOf,
	READ_OUTPUTS,
	SEND_OUTPUTS,
	cred,
	EXTRA_CREDENTIALS,
	TRIGGER_ONLY,
	WEBHOOK_ONLY,
	inMatrix,
	accepted,
	MISSING_DEVICE,
	SPECS,
	variantsFor,
} = require('./expectations');
const {
	nodeRuns,
	checkVariant,
	simState,
	takeSim,
	takeRequests,
	checkRequests,
	checkMessages,
	LOAD_FAILURE,
	checkShipped,
	checkShippedTrigger,
} = require('./checkers').checkers(s);

s.run(async (LINE) => {
	const ON_1X = LINE.line === 1;
	const work = await s.tempDir('waping-e2e-', { keepOnFailure: true });
	out(
		`e2e on n8n ${LINE.n8nVersion}, Node ${LINE.nodeVersion} (line ${LINE.line}); work folder ${work}`,
	);
	section('runtime');
	const runtime = await stack.runtime(LINE, (m) => out(`  [n8n-runtime] ${m}`));
	out(`  n8n ${runtime.n8nVersion} on Node ${runtime.nodeVersion} from ${runtime.runtimeDir}`);

	// -------------------------------------------------------------------------------------
	section('build and pack');
	const tarball = await stack.buildAndPack(work);
	out(`  ${path.basename(tarball.file)}: ${tarball.files.length} files`);
	const extracted = path.join(work, 'extracted');
	await fsp.mkdir(extracted);
	cp.execFileSync('tar', ['-xzf', tarball.file, '-C', extracted, '--strip-components=1']);
	const pj = JSON.parse(fs.readFileSync(path.join(extracted, 'package.json'), 'utf8'));
	check('tarball: only dist/, package.json, README.md and LICENSE', () => {
		const stray = tarball.files.filter(
			(f) => !/^dist\//.test(f) && !['package.json', 'README.md', 'LICENSE'].includes(f),
		);
		assert.deepEqual(stray, [], `unexpected files: ${stray.join(', ')}`);
	});
	check('tarball: no runtime dependencies', () => {
		assert.deepEqual(
			Object.keys(pj.dependencies || {}),
			[],
			`dependencies: ${JSON.stringify(pj.dependencies)}`,
		);
	});
	check('tarball: every file of the n8n section is in it, with its icons', () => {
		assert.equal(pj.n8n.n8nNodesApiVersion, 1);
		const listed = [...pj.n8n.nodes, ...pj.n8n.credentials];
		assert.ok(
			pj.n8n.nodes.length >= 1 && pj.n8n.credentials.length >= 1,
			'n8n.nodes and n8n.credentials are empty',
		);
		for (const f of listed) assert.ok(fs.existsSync(path.join(extracted, f)), `${f} is missing`);
		for (const f of listed) {
			const src = fs.readFileSync(path.join(extracted, f), 'utf8');
			for (const m of src.matchAll(/['"]file:([^'"]+)['"]/g)) {
				const icon = path.join(extracted, path.dirname(f), m[1]);
				assert.ok(fs.existsSync(icon), `${f} refers to ${m[1]}, which is missing`);
			}
		}
	});

	// -------------------------------------------------------------------------------------
	section(
		"n8n's verification scan (@n8n/scan-community-package analyzePackage, as its CLI calls it)",
	);
	// the source leg: the working tree with the scanner's SOURCE_FILE_PATTERNS, inline eslint-disable
	// comments ignored; the tarball leg: the packed package's .js files and package.json
	const scan = await scanPackage({ sourceDir: demo.REPO, packageDir: extracted });
	for (const leg of scan.legs) {
		check(
			`scan ${scan.scannerVersion}, ${leg.kind} leg (${leg.patterns.join(', ')}): no violation`,
			() => {
				assert.ok(
					leg.passed,
					`${leg.message || 'failed'}${leg.details ? `\n${leg.details.trim()}` : ''}${leg.error ? `\n${leg.error}` : ''}`,
				);
			},
		);
	}

	// -------------------------------------------------------------------------------------
	section('install into a fresh n8n user folder; credentials and workflows');
	const folder = await stack.n8nFolder({
		runtime,
		userFolder: path.join(work, 'n8n-user'),
		tarball,
		extra: { N8N_LOG_FORMAT: 'json' },
		onCleanup: s.onCleanup,
	});
	const { installed } = folder;
	check('community package installed from the tarball', () => {
		assert.equal(installed.packageName, 'n8n-nodes-waping');
		for (const f of pj.n8n.nodes)
			assert.ok(fs.existsSync(path.join(installed.packageDir, f)), `${f} is missing`);
		assert.ok(
			!fs.existsSync(path.join(installed.packageDir, 'node_modules')),
			'it has a node_modules folder',
		);
	});

	const sim = await stack.simulator({}, s.onCleanup);
	out(`  simulator on ${sim.url}`);
	const creds = [...demo.demoCredentials(sim.url), ...credentials(EXTRA_CREDENTIALS, sim.url)];
	await folder.importCredentials(creds);
	out(`  imported ${creds.length} credentials (${elapsed()})`);

	const examples = demo.loadExamples();
	const isWapingNode = (n) =>
		[demo.NODE_TYPE, demo.TRIGGER_TYPE, demo.WEBHOOK_TRIGGER_TYPE].includes(n.type);
	const matrixExamples = examples.filter((ex) => inMatrix(ex.slug));
	check(
		`examples: four or more with a WAPing node, each in the matrix; the trigger-only ones (${TRIGGER_ONLY.join(', ')}) start on the WAPing Trigger alone, the webhook ones (${WEBHOOK_ONLY.join(', ')}) on the WAPing Webhook Trigger`,
		() => {
			assert.ok(matrixExamples.length >= 4, `${matrixExamples.length} examples with a WAPing node`);
			for (const ex of matrixExamples) {
				assert.ok(demo.wapingNodes(ex.workflow).length >= 1, `${ex.file} has no WAPing node`);
				assert.ok(SPECS[ex.slug], `${ex.file} has no expectations in e2e/run.js`);
			}
			for (const slug of TRIGGER_ONLY) {
				const ex = examples.find((x) => x.slug === slug);
				assert.ok(ex, `examples/${slug}.json is missing`);
				const triggers = ex.workflow.nodes.filter((n) => /trigger$/i.test(n.type));
				assert.deepEqual(
					triggers.map((n) => n.type),
					[demo.TRIGGER_TYPE],
					`${ex.file}: triggers ${JSON.stringify(triggers.map((n) => n.type))}`,
				);
				assert.equal(
					demo.wapingNodes(ex.workflow).length,
					0,
					`${ex.file} has a WAPing node: give it expectations in the matrix`,
				);
			}
			for (const slug of WEBHOOK_ONLY) {
				const ex = examples.find((x) => x.slug === slug);
				assert.ok(ex, `examples/${slug}.json is missing`);
				const triggers = ex.workflow.nodes.filter((n) => /trigger$/i.test(n.type));
				assert.deepEqual(
					triggers.map((n) => n.type),
					[demo.WEBHOOK_TRIGGER_TYPE],
					`${ex.file}: triggers ${JSON.stringify(triggers.map((n) => n.type))}`,
				);
			}
		},
	);
	check('examples: only nodes that ship with n8n, plus WAPing and its two triggers', () => {
		for (const ex of examples) {
			for (const n of ex.workflow.nodes)
				assert.match(
					n.type,
					/^(n8n-nodes-base\.|n8n-nodes-waping\.(waping|wapingTrigger|wapingWebhookTrigger)$)/,
					`${ex.file}: ${n.name} is ${n.type}`,
				);
		}
	});
	check(
		'examples: the device health check starts on a Schedule Trigger, picks its Device from the list and branches on `connected`',
		() => {
			const wf = examples.find((x) => x.slug === 'device-health-check').workflow;
			assert.ok(wf.nodes.some((n) => n.type === 'n8n-nodes-base.scheduleTrigger'));
			const iff = wf.nodes.find((n) => n.type === 'n8n-nodes-base.if');
			assert.match(JSON.stringify(iff.parameters), /\$json\.connected/);
			assert.deepEqual(demo.wapingNodes(wf)[0].parameters.deviceId, {
				__rl: true,
				value: 'dev_123',
				mode: 'list',
				cachedResultName: 'dev_123',
			});
			const outs = wf.connections['Check device session'].main;
			assert.equal(outs.length, 3);
			for (const o of outs) assert.equal(o.length, 1, 'each of the three outputs leads somewhere');
		},
	);
	check(
		'examples: the send example sends through a Device from the list, keyed by the order, and each of its four outputs leads somewhere',
		() => {
			const wf = examples.find((x) => x.slug === 'send-when-connected').workflow;
			const send = demo.wapingNodes(wf)[0];
			assertSubset(
				send.parameters,
				{ resource: 'message', operation: 'send', to: '={{ $json.phone }}' },
				'Send shipping notice',
			);
			assert.equal(send.parameters.deviceId.__rl, true);
			assert.equal(send.parameters.options.idempotencyKey, '=order-{{ $json.orderId }}-shipped');
			assert.ok(
				!('onlyWhenConnected' in send.parameters.options),
				'Only When Connected is set in the example: it should be the default (on)',
			);
			const outs = wf.connections[send.name].main;
			assert.equal(outs.length, 4);
			for (const o of outs) assert.equal(o.length, 1, 'each of the four outputs leads somewhere');
		},
	);

	const plan = matrixExamples.map((ex) => {
		const spec = SPECS[ex.slug];
		const sends = spec.scope.operation === 'send';
		// the read examples run in one workflow: their copies are named apart by the example
		const variants = variantsFor(ex.slug, ex.workflow, { ns: sends ? undefined : ex.slug });
		const workflow = buildMatrix(ex.workflow, variants, {
			id: spec.id,
			name: `e2e: ${ex.workflow.name} × every demo key`,
		});
		return { ex, spec, variants, workflow, sends };
	});
	const reads = plan.filter((p) => !p.sends);
	const sendPlan = plan.find((p) => p.sends);
	const readsWorkflow = mergeMatrices(
		reads.map((p) => p.workflow),
		{ id: 'e2eReads', name: 'e2e: the read examples × every demo key' },
	);
	// as shipped, each WAPing node and WAPing Trigger given the Growth credential (what a user picks)
	// and nothing else changed: run from each trigger over REST later
	const growth = cred('wapingDemoGrowth');
	const asShipped = examples.map((ex, i) => {
		const wf = demo.clone(ex.workflow);
		wf.id = `e2eShipped${i + 1}`;
		for (const n of wf.nodes.filter(isWapingNode))
			n.credentials = { [demo.CREDENTIAL_TYPE]: { id: growth.id, name: growth.name } };
		return wf;
	});
	// "On Error" off and a device that is not in the workspace: the run stops with the node's error
	const healthEx = examples.find((x) => x.slug === 'device-health-check');
	const stopVariant = {
		label: `growth-${MISSING_DEVICE}/off`,
		cred: growth,
		deviceId: MISSING_DEVICE,
	};
	const stopWorkflow = buildMatrix(healthEx.workflow, [stopVariant], {
		id: 'e2eStop',
		name: 'e2e: device health check, unknown device, On Error off',
	});
	const matrices = [readsWorkflow, sendPlan.workflow];
	await folder.importWorkflow([...matrices, stopWorkflow, ...asShipped]);
	out(`  imported ${matrices.length + 1 + asShipped.length} workflows (${elapsed()})`);
	await takeRequests(sim.url);
	const apiKeys = Object.values(demo.demoKeys);

	/** `n8n execute` of one matrix workflow, and the checks every matrix run gets. */
	const executeMatrix = async (id, tag) => {
		const exec = await folder.executeWorkflow(id);
		const state = await simState(sim.url);
		const cliText = `${exec.cli.stdout}\n${exec.cli.stderr}`;
		check(`${tag}: n8n execute --id=${id} succeeded`, () => {
			assert.equal(
				exec.cli.code,
				0,
				`exit code ${exec.cli.code}: ${JSON.stringify(exec.data.resultData.error || '')}`,
			);
			assert.equal(exec.status, 'success');
			assert.equal(exec.mode, 'cli');
			assert.ok(nodeRuns(exec, START), 'the Manual Trigger did not run');
			assert.ok(
				!LOAD_FAILURE.test(cliText),
				cliText
					.split('\n')
					.filter((l) => LOAD_FAILURE.test(l))
					.join('\n'),
			);
		});
		return { exec, state };
	};

	// -------------------------------------------------------------------------------------
	section(
		`n8n execute: the read examples in one workflow (${reads.map((p) => `${p.ex.file} × ${p.variants.length}`).join(', ')}; every demo key, On Error off/on, extras)`,
	);
	{
		const { exec, state } = await executeMatrix(readsWorkflow.id, 'read examples');
		for (const p of reads)
			for (const v of p.variants) checkVariant(p.ex.slug, p.spec, v, exec, apiKeys);
		checkRequests(
			'read examples',
			state.requests,
			reads.flatMap((p) => p.variants),
		);
		check('read examples: WAPing accepted no message', () => assert.deepEqual(state.messages, []));
		await takeRequests(sim.url);
	}

	{
		const p = sendPlan;
		section(
			`n8n execute: ${p.ex.file} × ${p.variants.length} variants (every demo key, On Error off/on, extras)`,
		);
		const { exec, state } = await executeMatrix(p.spec.id, `${p.ex.slug} run 1`);
		for (const m of state.messages) accepted.set(m.key, m);
		for (const v of p.variants) checkVariant(p.ex.slug, p.spec, v, exec, apiKeys, ' run 1');
		checkRequests(`${p.ex.slug} run 1`, state.requests, p.variants);
		checkMessages(`${p.ex.slug} run 1`, state.messages, p.variants);

		section(`n8n execute: ${p.ex.file} again (the same orders): replays, no new message`);
		const mark = state.requests.length;
		const again = variantsFor(p.ex.slug, p.ex.workflow, { replay: true });
		const second = await executeMatrix(p.spec.id, `${p.ex.slug} run 2`);
		for (const v of again) checkVariant(p.ex.slug, p.spec, v, second.exec, apiKeys, ' run 2');
		checkRequests(`${p.ex.slug} run 2`, second.state.requests.slice(mark), again);
		checkMessages(`${p.ex.slug} run 2`, second.state.messages, again, { replay: true });
		check(`${p.ex.slug} run 2: the messages WAPing holds are run 1's, unchanged`, () => {
			assert.deepEqual(second.state.messages, state.messages);
		});
		await takeRequests(sim.url);
	}

	section('n8n execute: On Error off, device not in the workspace');
	{
		const exec = await folder.executeWorkflow('e2eStop');
		const requests = await takeRequests(sim.url);
		const W = copyName('Check device session', stopVariant);
		const said = words.unknownDeviceWords(
			MISSING_DEVICE,
			devicesOf(growth).map((d) => d.id),
		);
		check(
			"the run fails with the node's error naming the device and the workspace's devices (exit 1, status error)",
			() => {
				assert.equal(exec.status, 'error');
				assert.equal(
					exec.cli.code,
					1,
					`exit code ${exec.cli.code}, signal ${exec.cli.signal}:\n${exec.cli.stderr.split('\n').slice(-15).join('\n')}`,
				);
				const err = exec.data.resultData.error;
				assert.ok(err, 'no resultData.error');
				assert.equal(err.message, said.message);
				assert.equal(err.description, said.description);
				assert.equal(exec.data.resultData.lastNodeExecuted, W);
				const runs = nodeRuns(exec, W);
				assert.equal(runs[0].executionStatus, 'error');
				for (const k of apiKeys)
					assert.ok(!JSON.stringify(exec).includes(k), 'the execution contains an API key');
			},
		);
		check('nothing after the failed node ran', () => {
			for (const n of SPECS['device-health-check'].downstreamNodes)
				assert.ok(!nodeRuns(exec, copyName(n, stopVariant)), `${n} ran`);
		});
		checkRequests('on error off', requests, [
			{ ...stopVariant, expect: { requests: { get: 1, post: 0 } } },
		]);
	}

	// -------------------------------------------------------------------------------------
	section('n8n start: loading, credential test, the examples as shipped');
	const lines = [];
	const server = await folder.start({ onLine: (l) => lines.push(l) }, { N8N_LOG_LEVEL: 'debug' });
	const startup = lines.slice(0).map(stack.parseLogLine);
	const api = editor(server.baseUrl, (await rt.setupOwner(server.baseUrl)).cookie);
	check(
		'n8n loads the package: 3 nodes (WAPing, WAPing Trigger, WAPing Webhook Trigger) and 1 credential type',
		() => {
			const loaded = startup.find((l) =>
				/Loaded all credentials and nodes from n8n-nodes-waping/.test(l.message || ''),
			);
			assert.ok(loaded, 'no "Loaded all credentials and nodes from n8n-nodes-waping" line');
			const meta = loaded.metadata || loaded;
			assert.equal(meta.nodes, 3, JSON.stringify(loaded));
			assert.equal(meta.credentials, 1, JSON.stringify(loaded));
		},
	);
	check('n8n starts without warnings or errors about the package (known n8n notices aside)', () => {
		// n8n's own notices; on 1.x the deprecation list is worded "related to your environment variables"
		const HARMLESS = [
			/Python task runner/,
			/deprecations related to your (n8n setup|environment variables)/,
			/Automatic license renewal is disabled/,
		];
		const bad = startup.filter(
			(l) =>
				['warn', 'error'].includes(l.level) && !HARMLESS.some((re) => re.test(l.message || '')),
		);
		const textual = startup.filter((l) => l.level === 'text' && LOAD_FAILURE.test(l.message));
		assert.deepEqual(
			[...bad, ...textual].map((l) => `${l.level}: ${l.message}`),
			[],
		);
	});
	const types = await api.request('GET', '/types/nodes.json');
	const credTypes = await api.request('GET', '/types/credentials.json');
	const nodeType = (types.body || []).find((n) => n.name === demo.NODE_TYPE);
	check(
		'the editor lists the node n8n-nodes-waping.waping: outputs Success, Bad Key, Denied, and Offline for Message → Send',
		() => {
			assert.ok(nodeType, 'not in /types/nodes.json');
			// the outputs are an expression over the node's parameters; the editor evaluates it
			assert.equal(
				typeof nodeType.outputs,
				'string',
				`outputs ${JSON.stringify(nodeType.outputs)}`,
			);
			const m = /^=\{\{([\s\S]*)\}\}$/.exec(nodeType.outputs);
			assert.ok(m, `outputs is not an expression: ${nodeType.outputs.slice(0, 200)}`);
			const outputsFor = new Function('$parameter', `return (${m[1]});`);
			const labels = (parameters) =>
				outputsFor(parameters).map((o) => `${o.type}:${o.displayName}`);
			assert.deepEqual(
				labels({ resource: 'message', operation: 'send' }),
				SEND_OUTPUTS.map((n) => `main:${n}`),
			);
			for (const operation of ['getStatus', 'getAll'])
				assert.deepEqual(
					labels({ resource: 'device', operation }),
					READ_OUTPUTS.map((n) => `main:${n}`),
				);
			assert.deepEqual(
				labels({ resource: 'plan', operation: 'check' }),
				READ_OUTPUTS.map((n) => `main:${n}`),
			);
			assert.deepEqual(
				nodeType.credentials.map((c) => c.name),
				[demo.CREDENTIAL_TYPE],
			);
			assert.ok(
				nodeType.iconUrl &&
					nodeType.iconUrl.light &&
					nodeType.iconUrl.dark &&
					nodeType.iconUrl.light !== nodeType.iconUrl.dark,
				`iconUrl ${JSON.stringify(nodeType.iconUrl)}`,
			);
			assert.ok(
				(types.body || []).some((n) => n.name === `${demo.NODE_TYPE}Tool`),
				'no AI tool variant',
			);
		},
	);
	check(
		'the editor lists the trigger n8n-nodes-waping.wapingTrigger: a polling trigger with the WAPing credential',
		() => {
			const t = (types.body || []).find((n) => n.name === demo.TRIGGER_TYPE);
			assert.ok(t, 'not in /types/nodes.json');
			assert.equal(t.polling, true);
			assert.deepEqual(t.inputs, []);
			assert.deepEqual(
				t.credentials.map((c) => c.name),
				[demo.CREDENTIAL_TYPE],
			);
		},
	);
	check(
		'the editor lists the credential type wapingApi (apiKey, baseUrl, plan) for the three node types',
		() => {
			const c = (credTypes.body || []).find((x) => x.name === demo.CREDENTIAL_TYPE);
			assert.ok(c, 'not in /types/credentials.json');
			// n8n appends its own fields (allowedHttpRequestDomains, allowedDomains) after the package's
			assert.deepEqual(c.properties.map((p) => p.name).slice(0, 3), ['apiKey', 'baseUrl', 'plan']);
			assert.deepEqual(
				[...c.supportedNodes].sort(),
				[demo.NODE_TYPE, demo.TRIGGER_TYPE, demo.WEBHOOK_TRIGGER_TYPE].sort(),
			);
		},
	);
	for (const icon of ['light', 'dark']) {
		const url = nodeType && nodeType.iconUrl && nodeType.iconUrl[icon];
		const r = url ? await api.request('GET', `/${url}`) : { status: 0, text: '' };
		check(`n8n serves the ${icon} icon`, () => {
			assert.equal(r.status, 200, `GET /${url}: ${r.status}`);
			assert.match(r.text, /<svg/);
		});
	}

	// -------------------------------------------------------------------------------------
	// credential test, as the editor's "Test" button does it: the nodes' `testedBy` function
	// (nodes/shared/credentialTest.ts), which both n8n lines call the same way, so both show
	// WAPing's own words for a 401, a 403 and a redirect.
	// a loopback server that is not WAPing: where a followed redirect would land (it answers a device list)
	const other = await startRecorder();
	s.onCleanup('the other loopback server', () => other.close());
	const growthKey = demo.demoKeys.growth;
	// [::ffff:127.0.0.1] is 127.0.0.1, but not by name: a request sent there reaches the simulator
	const mappedUrl = `http://[::ffff:127.0.0.1]:${sim.port}`;
	{
		const probe = await rt.request(mappedUrl, 'GET', '/v1/devices', {
			headers: { authorization: `Bearer ${growthKey}` },
		});
		const seen = await takeRequests(sim.url);
		const hit = await rt.request(other.url, 'GET', '/probe');
		check(
			`control: a request to ${mappedUrl} reaches the simulator, and the second loopback server records what it gets`,
			() => {
				assert.equal(probe.status, 200);
				assert.equal(seen.length, 1, `${seen.length} requests`);
				assert.equal(hit.status, 200);
				assert.equal(other.requests.length, 1);
			},
		);
		other.requests.length = 0;
	}
	const httpRule = (code) =>
		typeof words.CREDENTIAL_TEST[code] === 'function'
			? words.CREDENTIAL_TEST[code](code)
			: words.CREDENTIAL_TEST[code];
	/** A credential the node refuses before sending anything (words.REFUSED[reason]). */
	const refused = (title, reason, change) => ({
		title: `${title}: refused, nothing sent`,
		c: growth,
		status: 'Error',
		message: words.REFUSED[reason],
		requests: [0, 0],
		...change,
	});
	const credTests = [
		{
			title: 'Growth key',
			c: cred('wapingDemoGrowth'),
			status: 'OK',
			message: words.CREDENTIAL_TEST.ok,
			sent: growthKey,
		},
		{
			title: 'Growth key pasted as "Bearer <key>"',
			c: cred('wapingDemoGrowth'),
			apiKey: `Bearer ${growthKey}`,
			status: 'OK',
			message: words.CREDENTIAL_TEST.ok,
			sent: growthKey,
		},
		// n8n's declarative test re-sent a 401 once; the node's own Test sends it once (either is accepted)
		{
			title: 'revoked key',
			c: cred('wapingDemoRevoked'),
			status: 'Error',
			message: httpRule(401),
			sent: demo.demoKeys.revoked,
			requests: [1, 2],
		},
		{
			title: 'Free workspace',
			c: cred('wapingDemoFree'),
			status: 'Error',
			message: httpRule(403),
			sent: demo.demoKeys.free,
		},
		{
			title: 'send-only key',
			c: cred('wapingDemoSendOnly'),
			status: 'Error',
			message: httpRule(403),
			sent: demo.demoKeys.sendOnly,
		},
		refused(`plain HTTP to ${mappedUrl}, loopback but not by name`, 'plainHttp', {
			baseUrl: mappedUrl,
		}),
		refused('a Base URL ending in /v1', 'versionPath', { baseUrl: `${sim.url}/v1` }),
		refused('a Base URL with a query', 'query', { baseUrl: `${sim.url}/?region=eu` }),
		refused('a Base URL holding the key', 'keyInBaseUrl', { baseUrl: `${sim.url}/${growthKey}` }),
		refused('a key with a space in it', 'keyWithSpaces', {
			apiKey: growthKey.replace('_growth_', '_growth '),
		}),
		{
			title: `a redirect (302) to another loopback origin: not followed`,
			c: growth,
			fault: {
				path: '/v1/devices',
				status: 302,
				redirectTo: `${other.url}/v1/devices`,
				times: 1,
			},
			status: 'Error',
			message: httpRule(302),
			sent: growthKey,
			otherOrigin: true,
		},
		{
			title: 'a 200 with a web page instead of the API',
			c: growth,
			fault: {
				path: '/v1/devices',
				status: 200,
				body: '<!doctype html><html><head><title>Sign in</title></head><body>Sign in to continue</body></html>',
				headers: { 'content-type': 'text/html; charset=utf-8' },
				times: 1,
			},
			status: 'Error',
			message: words.CREDENTIAL_TEST.notTheApi,
			sent: growthKey,
		},
	];
	for (const t of credTests) {
		if (t.fault) await rt.request(sim.url, 'POST', '/__sim/faults', { body: t.fault });
		const apiKey = t.apiKey === undefined ? t.c.apiKey : t.apiKey;
		const data = { apiKey, baseUrl: t.baseUrl || sim.url, plan: t.c.plan };
		const body = {
			credentials: { id: t.c.id, name: t.c.name, type: demo.CREDENTIAL_TYPE, data },
		};
		const r = await api.request('POST', '/rest/credentials/test', { body });
		const requests = await takeRequests(sim.url);
		const reached = other.requests.splice(0);
		const [min, max] = t.requests || [1, 1];
		check(`credential test over REST, ${t.title}: ${t.status} "${t.message}"`, () => {
			assert.equal(r.status, 200, `${r.status} ${r.text.slice(0, 300)}`);
			const d = r.body.data;
			assert.equal(d.status, t.status, JSON.stringify(d));
			assert.equal(d.message, t.message);
			for (const k of apiKeys) assert.ok(!d.message.includes(k), 'the message contains a key');
			assert.ok(
				requests.length >= min && requests.length <= max,
				`${requests.length} requests at the simulator, expected ${min === max ? min : `${min} to ${max}`}`,
			);
			for (const q of requests) {
				assert.equal(`${q.method} ${q.path}`, 'GET /v1/devices');
				assert.equal(q.headers.authorization, `Bearer ${t.sent}`);
			}
			assert.deepEqual(
				reached.map((q) => `${q.method} ${q.path}`),
				[],
				t.otherOrigin ? 'the redirect was followed' : 'the other server was reached',
			);
		});
	}

	// -------------------------------------------------------------------------------------
	// each example file as is, saved through the editor's API: n8n 2.x swaps the placeholder
	// credential for the one named like it ("WAPing account"); n8n 1.x keeps the placeholder (the
	// user selects the credential in the node)
	for (const ex of examples) {
		const { id, ...body } = demo.clone(ex.workflow); // eslint-disable-line no-unused-vars
		const r = await api.request('POST', '/rest/workflows', { body });
		const placeholder = ex.workflow.nodes.find(isWapingNode).credentials[demo.CREDENTIAL_TYPE];
		const want = ON_1X ? placeholder : { id: 'e2eWapingAccount', name: 'WAPing account' };
		const title = ON_1X
			? `${ex.file} saved as is through the editor's API keeps its placeholder credential (on n8n 1.x: n8n does not match credentials by name when a workflow is saved)`
			: `${ex.file} saved as is through the editor's API uses the credential named "WAPing account"`;
		check(title, () => {
			assert.equal(r.status, 200, `${r.status} ${r.text.slice(0, 500)}`);
			const saved = r.body.data;
			const nodes = saved.nodes.filter(isWapingNode);
			assert.equal(nodes.length, ex.workflow.nodes.filter(isWapingNode).length);
			for (const n of nodes) assert.deepEqual(n.credentials[demo.CREDENTIAL_TYPE], want, n.name);
		});
	}

	// each example as shipped (the Growth credential picked), from each of its triggers, as the editor runs it
	await takeRequests(sim.url);
	for (const [i, ex] of examples.entries()) {
		// a webhook example waits for a request from WAPing: e2e/webhook.js runs it
		if (WEBHOOK_ONLY.includes(ex.slug)) continue;
		const wf = asShipped[i];
		const triggers = wf.nodes.filter((n) => /trigger$/i.test(n.type));
		for (const trig of triggers) {
			const exec = await rt.runWorkflowViaRest(server.baseUrl, api.cookie, wf.id, trig.name, {
				runtime,
			});
			const state = await takeSim(sim.url);
			const title = `${ex.slug} as shipped, run from "${trig.name}" over REST`;
			if (TRIGGER_ONLY.includes(ex.slug)) {
				checkShippedTrigger(title, exec, trig, wf, state);
				continue;
			}
			checkShipped(title, ex, exec, trig, state);
		}
	}
	const stopped = await server.stop();
	check('n8n stops cleanly on SIGTERM', () => {
		assert.ok(stopped.code === 0 || stopped.signal === 'SIGTERM', JSON.stringify(stopped));
	});
});
