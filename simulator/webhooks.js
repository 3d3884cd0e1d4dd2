'use strict';
// Webhooks as the simulator sends them, per the webhook contract (the node's assumptions.ts,
// "Webhooks"): a URL registered per workspace after a handshake, each delivery signed with the
// registration's scheme, delivered at least once (a share of duplicates, retries with bounded
// exponential backoff on non-2xx, connection errors and slow answers), every attempt recorded.
// Events: message.received (a contact writes, POST /__sim/inbound), message.status (an accepted
// message goes queued → sent → delivered → read, a share failed, one step per `stepMs`) and
// session.changed (a device changes).
const crypto = require('node:crypto');
const { createOutbox } = require('./delivery');
const { seededRandom } = require('./random');
const { SCHEMES, FORMATS, signatureHeaders } = require('./signing');

const READ = ['queued', 'sent', 'delivered', 'read'];
const FAILED = ['queued', 'sent', 'failed'];
const DEFAULT_RETRY = { attempts: 5, baseMs: 200, maxMs: 10_000, timeoutMs: 5000 };
const DEFAULT_STATUSES = { stepMs: 1000, failed: 0.1, seed: 1 };
const FAILURE = {
	code: 'DELIVERY_FAILED',
	message: 'WhatsApp could not deliver the message (the number is not on WhatsApp or blocked it).',
};

class Refusal extends Error {
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

const newId = (prefix) =>
	`${prefix}_${Date.now().toString(36)}${crypto.randomBytes(6).toString('hex')}`;

/** A device's own number: its `phone` when the seed gives one, else one made from its id. */
function phoneOf(device) {
	if (typeof device.phone === 'string') return device.phone;
	const n = crypto.createHash('sha256').update(String(device.id)).digest().readUInt32BE(0);
	return `+1415555${String(n % 10000).padStart(4, '0')}`;
}
const digits = (phone) => String(phone).replace(/\D/g, '');

/**
 * @param {{ findWorkspace: (ref: string) => any, deviceById: (id: string) => any, log?: (line: string) => void }} env
 */
function createWebhooks({ findWorkspace, deviceById, log }) {
	const outbox = createOutbox();
	/** @type {Map<string, any>} workspace id → registration */
	const registrations = new Map();
	/** @type {any[]} every delivery attempt, in the order they started */
	const deliveries = [];
	/** message id → { seq, at } : the states an accepted message goes through */
	const lifecycles = new Map();
	let statuses = { ...DEFAULT_STATUSES };
	let fate = seededRandom(statuses.seed);

	function check(condition, message) {
		if (!condition) throw new Refusal(400, message);
	}

	/** Validates a registration; performs the handshake; stores it. Throws a Refusal with why. */
	async function register(options = {}) {
		const workspace = findWorkspace(String(options.workspace ?? ''));
		if (!workspace) throw new Refusal(404, `no workspace or demo key "${options.workspace ?? ''}"`);
		check(
			typeof options.url === 'string' && /^https?:\/\//.test(options.url),
			'url must be http(s)://…',
		);
		const scheme = options.scheme ?? 'hmacSha256';
		check(SCHEMES.includes(scheme), `scheme must be one of ${SCHEMES.join(', ')}`);
		check(
			scheme === 'none' || (typeof options.secret === 'string' && options.secret !== ''),
			`scheme ${scheme} needs a secret`,
		);
		check(
			options.format === undefined || FORMATS.includes(options.format),
			`format must be one of ${FORMATS.join(', ')}`,
		);
		const handshake = options.handshake ?? 'get';
		check(['get', 'post', 'none'].includes(handshake), 'handshake must be get, post or none');
		const duplicates = options.duplicates ?? 0;
		check(
			typeof duplicates === 'number' && duplicates >= 0 && duplicates <= 1,
			'duplicates is a share from 0 to 1',
		);
		const retry = { ...DEFAULT_RETRY, ...(options.retry ?? {}) };
		check(
			Number.isInteger(retry.attempts) && retry.attempts >= 1 && retry.attempts <= 20,
			'retry.attempts: 1 to 20',
		);
		for (const k of ['baseMs', 'maxMs', 'timeoutMs'])
			check(
				typeof retry[k] === 'number' && retry[k] >= 0 && retry[k] <= 600_000,
				`retry.${k}: 0 to 600000`,
			);
		const registration = {
			workspace: workspace.id,
			url: options.url,
			scheme,
			secret: options.secret ?? '',
			header: options.header,
			format: options.format ?? 'hex',
			handshake,
			duplicates,
			duplicateDelayMs: options.duplicateDelayMs ?? 100,
			retry,
			random: seededRandom(options.seed ?? 1),
			registeredAt: Date.now(),
		};
		const failed = await verify(registration);
		if (failed)
			throw new Refusal(400, `the URL failed the ${handshake.toUpperCase()} handshake: ${failed}`);
		registrations.set(workspace.id, registration);
		log?.(`webhook for ${workspace.id} → ${registration.url} (${scheme})`);
		return { registered: true, workspace: workspace.id };
	}

	/** The handshake: undefined when the receiver echoed the challenge, else what went wrong. */
	async function verify(registration) {
		if (registration.handshake === 'none') return undefined;
		const challenge = crypto.randomBytes(12).toString('hex');
		const timeoutMs = registration.retry.timeoutMs;
		let answer;
		if (registration.handshake === 'get') {
			const url = new URL(registration.url);
			url.searchParams.set('challenge', challenge);
			answer = await outbox.send(url.toString(), { method: 'GET', timeoutMs });
			record({ eventId: null, type: 'handshake.get', url: registration.url, attempt: 1 }, answer);
			if (answer.error) return answer.error;
			if (answer.status !== 200) return `answered ${answer.status}`;
			return answer.body.trim() === challenge ? undefined : 'the answer did not echo the challenge';
		}
		const raw = JSON.stringify({ type: 'url.verification', challenge });
		answer = await outbox.send(registration.url, {
			headers: headersFor(registration, raw, `hs_${challenge}`),
			body: raw,
			timeoutMs,
		});
		record({ eventId: null, type: 'handshake.post', url: registration.url, attempt: 1 }, answer);
		if (answer.error) return answer.error;
		if (answer.status !== 200) return `answered ${answer.status}`;
		try {
			if (JSON.parse(answer.body).challenge === challenge) return undefined;
		} catch {
			// not JSON: said below
		}
		return 'the answer was not {"challenge": "<the value sent>"}';
	}

	function headersFor(registration, raw, id) {
		return {
			'content-type': 'application/json',
			...signatureHeaders(registration, raw, { id, timestamp: Math.floor(Date.now() / 1000) }),
		};
	}

	/** Adds an attempt to the list; its outcome once known. */
	function record(entry, outcome) {
		const row = { ...entry, at: Date.now() };
		deliveries.push(row);
		if (outcome) Object.assign(row, settle(outcome));
		return row;
	}
	const settle = (o) => ({
		status: o.status,
		error: o.error,
		ms: o.ms,
		ok: !o.error && o.status >= 200 && o.status < 300,
	});

	/**
	 * Delivers an event at least once: retried with backoff until a 2xx or `attempts`, then, with
	 * the registration's share of duplicates (or `copies` > 1), delivered again with the same id.
	 * The event's `done` (not in its JSON) resolves when every copy's delivery is over.
	 */
	function emit(workspaceId, type, deviceId, data, { copies = 1, concurrent = false } = {}) {
		const registration = registrations.get(workspaceId);
		if (!registration) return undefined;
		const event = {
			id: newId('evt'),
			type,
			createdAt: new Date().toISOString(),
			workspaceId,
			deviceId,
			data,
		};
		const raw = JSON.stringify(event);
		const total = copies + (registration.random() < registration.duplicates ? 1 : 0);
		const generation = outbox.generation;
		const copy = (n) => attempt(registration, event, raw, 1, n > 0, generation);
		const done = concurrent
			? Promise.all(Array.from({ length: total }, (_, n) => copy(n)))
			: (async () => {
					for (let n = 0; n < total; n++) {
						if (n > 0) await wait(registration.duplicateDelayMs, generation);
						if (outbox.generation !== generation) return;
						await copy(n);
					}
				})();
		Object.defineProperty(event, 'done', { value: done }); // not part of the JSON
		return event;
	}

	/**
	 * Resolves after `ms`; never when close or reset came since `generation` began, or comes
	 * meanwhile (the waiting work ends there, and schedules nothing).
	 */
	const wait = (ms, generation) =>
		new Promise((resolve) => {
			if (outbox.generation === generation) outbox.later(ms, () => resolve(undefined));
		});

	/** One attempt, and the retries after it; resolves when the chain is over. */
	async function attempt(registration, event, raw, n, duplicate, generation) {
		const row = record({
			eventId: event.id,
			type: event.type,
			url: registration.url,
			attempt: n,
			duplicate,
		});
		const outcome = await outbox.send(registration.url, {
			headers: headersFor(registration, raw, event.id),
			body: raw,
			timeoutMs: registration.retry.timeoutMs,
		});
		Object.assign(row, settle(outcome));
		if (row.ok || outbox.generation !== generation) return;
		if (n >= registration.retry.attempts) {
			row.gaveUp = true;
			log?.(`webhook ${event.type} ${event.id}: gave up after ${n} attempts`);
			return;
		}
		const { baseMs, maxMs } = registration.retry;
		row.retryInMs = Math.min(maxMs, baseMs * 2 ** (n - 1));
		await wait(row.retryInMs, generation);
		if (outbox.generation === generation)
			await attempt(registration, event, raw, n + 1, duplicate, generation);
	}

	/** A contact writes to a device: a message.received event. */
	function inbound(options = {}) {
		const found = deviceById(String(options.deviceId ?? ''));
		if (!found) throw new Refusal(404, `no device "${options.deviceId ?? ''}"`);
		const { workspace, device } = found;
		check(
			/^\+[1-9]\d{6,14}$/.test(String(options.from ?? '')),
			'"from" must be a phone number like +4915112345678',
		);
		check(
			typeof options.text === 'string' && options.text !== '',
			'"text" must be a non-empty text',
		);
		const times = options.times ?? 1;
		check(Number.isInteger(times) && times >= 1 && times <= 100, '"times" is 1 to 100');
		if (String(device.status).toLowerCase() !== 'connected')
			throw new Refusal(
				409,
				`device ${device.id} is ${device.status}: a phone that is not connected receives nothing`,
			);
		if (!registrations.has(workspace.id))
			throw new Refusal(
				409,
				`no webhook URL is registered for ${workspace.id}: the message would go nowhere`,
			);
		const from = options.from;
		const group = options.group === true;
		const messageId = `wamid_${crypto.randomBytes(10).toString('hex').toUpperCase()}`;
		const data = {
			messageId,
			from,
			to: phoneOf(device),
			chatId: group
				? `120363${digits(phoneOf(device)).slice(-8)}@g.us`
				: `${digits(from)}@s.whatsapp.net`,
			isGroup: group,
			...(group ? { participant: `${digits(from)}@s.whatsapp.net` } : {}),
			fromMe: false,
			type: 'text',
			text: options.text,
			timestamp: new Date().toISOString(),
		};
		const event = emit(workspace.id, 'message.received', device.id, data, {
			copies: times,
			concurrent: options.concurrent === true,
		});
		return { eventId: event.id, messageId };
	}

	/** One exact delivery, no retry, no duplicate: `body` as JSON or `raw` as is, signed unless sign is false. */
	async function deliverOnce(options = {}) {
		const workspace = findWorkspace(String(options.workspace ?? ''));
		if (!workspace) throw new Refusal(404, `no workspace or demo key "${options.workspace ?? ''}"`);
		const registration = registrations.get(workspace.id);
		if (!registration) throw new Refusal(409, `no webhook URL is registered for ${workspace.id}`);
		check(
			typeof options.raw === 'string' || options.body !== undefined,
			'give "body" (JSON) or "raw" (a string)',
		);
		const raw = typeof options.raw === 'string' ? options.raw : JSON.stringify(options.body);
		const id = options.body?.id ?? options.body?.eventId ?? newId('evt');
		const headers = {
			...(options.sign === false
				? { 'content-type': 'application/json' }
				: headersFor(registration, raw, String(id))),
			...Object.fromEntries(
				Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
			),
		};
		const outcome = await outbox.send(registration.url, {
			headers,
			body: raw,
			timeoutMs: registration.retry.timeoutMs,
		});
		record(
			{
				eventId: String(id),
				type: options.body?.type ?? 'exact',
				url: registration.url,
				attempt: 1,
				exact: true,
			},
			outcome,
		);
		return { status: outcome.status, error: outcome.error, body: outcome.body, ms: outcome.ms };
	}

	/** An accepted message: its states from now on, each one a message.status event when a URL is registered. */
	function accepted(message) {
		const seq = fate() < statuses.failed ? FAILED : READ;
		lifecycles.set(message.id, { seq, at: Date.now() });
		if (!registrations.has(message.workspace)) return;
		// One step after the other: a state is sent once the one before it was delivered (or given up).
		const generation = outbox.generation;
		(async () => {
			for (const [i, status] of seq.entries()) {
				if (i > 0) await wait(statuses.stepMs, generation);
				if (outbox.generation !== generation) return;
				const event = emit(message.workspace, 'message.status', message.deviceId, {
					messageId: message.id,
					status,
					to: message.to,
					...(status === 'failed' ? { error: FAILURE } : {}),
				});
				if (!event) return;
				await event.done;
			}
		})();
	}

	/** An accepted message's state now (computed from the time, so nothing ticks for the page). */
	function stateOf(message) {
		const life = lifecycles.get(message.id);
		if (!life) return 'queued';
		const step =
			statuses.stepMs > 0 ? Math.floor((Date.now() - life.at) / statuses.stepMs) : Infinity;
		return life.seq[Math.min(step, life.seq.length - 1)];
	}

	function sessionChanged(workspaceId, deviceId, state, previousState) {
		if (state !== previousState)
			emit(workspaceId, 'session.changed', deviceId, { state, previousState });
	}

	function configure(next) {
		statuses = { ...DEFAULT_STATUSES, ...(next ?? {}) };
		fate = seededRandom(statuses.seed);
	}

	function unregister(ref) {
		if (ref === undefined) return registrations.clear();
		const workspace = findWorkspace(String(ref));
		if (workspace) registrations.delete(workspace.id);
	}

	/** The routes under /__sim for webhooks; undefined when the path is not one of them. */
	async function control(path, method, parse) {
		const ok = (body) => ({ status: 200, body });
		try {
			if (path === '/__sim/webhooks' && method === 'POST') return ok(await register(parse()));
			if (path === '/__sim/webhooks' && method === 'DELETE') {
				unregister(parse().workspace);
				return ok({ ok: true });
			}
			if (path === '/__sim/webhooks' && method === 'GET') return ok({ webhooks: list() });
			if (path === '/__sim/webhooks/deliveries' && method === 'GET') return ok({ deliveries });
			if (path === '/__sim/inbound' && method === 'POST') return ok(inbound(parse()));
			if (path === '/__sim/deliver' && method === 'POST') return ok(await deliverOnce(parse()));
		} catch (e) {
			if (e instanceof Refusal)
				return {
					status: e.status,
					body:
						path === '/__sim/webhooks'
							? { registered: false, error: e.message }
							: { error: e.message },
				};
			if (e instanceof SyntaxError)
				return { status: 400, body: { error: `the body is not JSON: ${e.message}` } };
			throw e;
		}
		return undefined;
	}

	/** The registrations, without their secrets. */
	function list() {
		return [...registrations.values()].map(
			({ workspace, url, scheme, header, format, handshake, duplicates, retry }) => ({
				workspace,
				url,
				scheme,
				header,
				format,
				handshake,
				duplicates,
				retry,
			}),
		);
	}

	function reset() {
		outbox.cancelAll();
		registrations.clear();
		deliveries.length = 0;
		lifecycles.clear();
		configure(undefined);
	}

	return {
		register,
		unregister,
		list,
		deliveries,
		emit,
		inbound,
		deliverOnce,
		accepted,
		stateOf,
		/** How fast accepted messages change state, and the share that fails (SimConfig.statuses). */
		statusSettings: () => ({ stepMs: statuses.stepMs, failed: statuses.failed }),
		sessionChanged,
		configure,
		control,
		reset,
		pending: outbox.pending,
		close: reset,
	};
}

module.exports = { createWebhooks, Refusal, phoneOf };
