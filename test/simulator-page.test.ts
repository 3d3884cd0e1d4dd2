/**
 * The simulator's page (GET / and /__sim) over HTTP: what it shows, and that the routes its buttons
 * call change what it shows. (Clicking in a real browser is the browser suite's part.)
 */
import { demoKeys } from '../simulator';
import { useSimulator } from './helpers';

const sim = useSimulator();

async function page(path = '/') {
	const res = await fetch(`${sim().url}${path}`);
	return { status: res.status, type: res.headers.get('content-type'), html: await res.text() };
}
const post = async (path: string, body: unknown, headers: Record<string, string> = {}) =>
	(
		await fetch(`${sim().url}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify(body),
		})
	).status;

/** The row of a device on the page: its status and its buttons. */
function deviceRow(html: string, id: string) {
	const row = new RegExp(
		`<tr data-device-row="${id}" data-status="([^"]*)">([\\s\\S]*?)</tr>`,
	).exec(html);
	if (!row) return undefined;
	const buttons = [...row[2].matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((b) => ({
		label: b[1],
		disabled: b[0].includes(' disabled'),
		status: /data-status="([^"]*)"/.exec(b[0])?.[1],
		action: /data-action="([^"]*)"/.exec(b[0])?.[1],
	}));
	return { status: row[1], buttons };
}

test('GET / and GET /__sim: plain HTML with every workspace, its plan and devices with their states', async () => {
	for (const path of ['/', '/__sim']) {
		const { status, type, html } = await page(path);
		expect(status).toBe(200);
		expect(type).toBe('text/html; charset=utf-8');
		expect(html).toMatch(/^<!doctype html>/);
		for (const workspace of sim().seed.workspaces) {
			expect(html).toContain(`data-workspace="${workspace.id}"`);
			expect(html).toContain(`${workspace.plan} plan`);
			for (const device of workspace.devices)
				expect(deviceRow(html, device.id)?.status).toBe(device.status);
		}
	}
	const { html } = await page();
	// The demo keys by name only, and nothing fetched from elsewhere.
	expect(html).toContain('growth, sendOnly, revoked (revoked)');
	for (const key of Object.values(demoKeys)) expect(html).not.toContain(key);
	expect(html).not.toMatch(/\b(src|href)=|@import|https?:\/\/(?!127\.0\.0\.1)/);
	// Page requests (and the browser's icon request) are not API requests.
	expect((await fetch(`${sim().url}/favicon.ico`)).status).toBe(204);
	expect(sim().requests).toEqual([]);
});

test("a device's buttons: Connect / Disconnect / Degrade / Remove; the one for its state is disabled", async () => {
	const row = deviceRow((await page()).html, 'dev_123');
	expect(row?.buttons).toEqual([
		{ label: 'Connect', disabled: true, status: 'connected', action: 'status' },
		{ label: 'Disconnect', disabled: false, status: 'disconnected', action: 'status' },
		{ label: 'Degrade', disabled: false, status: 'degraded', action: 'status' },
		{ label: 'Remove', disabled: false, status: undefined, action: 'remove' },
	]);
	expect((await page()).html).toContain('data-action="link" data-workspace="ws_growth"');
});

test("Disconnect's route (POST /__sim/devices) changes the device on the page and in the API", async () => {
	expect(await post('/__sim/devices', { id: 'dev_123', status: 'disconnected' })).toBe(200);
	const row = deviceRow((await page()).html, 'dev_123');
	expect(row?.status).toBe('disconnected');
	expect(row?.buttons.map((b) => b.disabled)).toEqual([false, true, false, false]);
	const res = await fetch(`${sim().url}/v1/devices`, {
		headers: { authorization: `Bearer ${demoKeys.growth}` },
	});
	expect(((await res.json()) as { data: unknown[] }).data).toContainEqual({
		id: 'dev_123',
		status: 'disconnected',
	});
	// The live part the page fetches every second shows the same.
	expect(deviceRow((await page('/__sim/view')).html, 'dev_123')?.status).toBe('disconnected');
});

test('Link a new device, then Remove it', async () => {
	expect(await post('/__sim/devices', { workspace: 'ws_starter', status: 'connected' })).toBe(200);
	expect(deviceRow((await page()).html, 'dev_linked_1')?.status).toBe('connected');
	expect(await post('/__sim/devices', { id: 'dev_linked_1', remove: true })).toBe(200);
	expect(deviceRow((await page()).html, 'dev_linked_1')).toBeUndefined();
});

test('accepted messages with their delivery state; the webhook URL per workspace', async () => {
	sim().configure({ statuses: { stepMs: 60_000, failed: 0 } });
	const sent = await post(
		'/v1/messages',
		{ deviceId: 'dev_123', to: '+14155550123', type: 'text', text: { body: 'Your order shipped' } },
		{ authorization: `Bearer ${demoKeys.growth}` },
	);
	expect(sent).toBe(202);
	const { html } = await page();
	expect(html).toMatch(
		/<tr data-message="msg_000001">.*<td>\+14155550123<\/td><td>Your order shipped<\/td><td><span class="state msg-queued">queued<\/span>/,
	);
	expect(html).toContain('none registered');
	await sim().registerWebhook({
		workspace: 'ws_growth',
		url: `${sim().url}/__sim/nowhere`,
		scheme: 'none',
		handshake: 'none',
	});
	expect((await page()).html).toContain(`<code>${sim().url}/__sim/nowhere</code> (signed: none)`);
});

test('the form "send a message to a device as a contact" posts to /__sim/inbound', async () => {
	const { html } = await page();
	expect(html).toContain('<form id="inbound">');
	expect(html).toContain("post('/__sim/inbound'");
	// Without a webhook URL the route says where the message would (not) go, which the page shows.
	const res = await fetch(`${sim().url}/__sim/inbound`, {
		method: 'POST',
		body: JSON.stringify({ deviceId: 'dev_123', from: '+4915112345678', text: 'hi' }),
	});
	expect(res.status).toBe(409);
	expect(((await res.json()) as { error: string }).error).toMatch(
		/no webhook URL is registered for ws_growth/,
	);
});

test('what the page shows is escaped (a device id is data, not markup)', async () => {
	await post('/__sim/devices', { workspace: 'ws_growth', id: '<img onerror=x>', status: '"><b>' });
	const { html } = await page();
	expect(html).not.toContain('<img onerror=x>');
	expect(html).toContain('&lt;img onerror=x&gt;');
	expect(html).not.toContain('"><b>');
});

test('a control route given a body that is not JSON answers 400, and the simulator keeps running', async () => {
	for (const path of [
		'/__sim/devices',
		'/__sim/config',
		'/__sim/faults',
		'/__sim/webhooks',
		'/__sim/inbound',
	]) {
		const res = await fetch(`${sim().url}${path}`, { method: 'POST', body: '{"id": "dev_123",' });
		expect([path, res.status]).toEqual([path, 400]);
		expect(((await res.json()) as { error: string }).error).toMatch(/^the body is not JSON/);
	}
	expect((await page()).status).toBe(200);
});
