'use strict';
// The simulator's page (GET / and /__sim): what a person needs to drive the simulator without
// writing requests. Plain HTML from the server, no framework, no external requests. The live part
// (GET /__sim/view, the same renderer) is fetched again every second and after each click; the
// buttons call the same control routes as the tests (POST /__sim/devices, POST /__sim/inbound).

const { demoKeys } = require('./seed');

const esc = (value) =>
	String(value ?? '').replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
	);

/** A device's status as a word the page colours: connected, degraded, disconnected, unlinked or other. */
function tone(status) {
	const s = String(status).toLowerCase();
	return ['connected', 'degraded', 'disconnected', 'unlinked'].includes(s) ? s : 'other';
}

const time = (ms) => new Date(ms).toISOString().slice(11, 19);

const ACTIONS = [
	['connected', 'Connect'],
	['disconnected', 'Disconnect'],
	['degraded', 'Degrade'],
];

function deviceRow(device) {
	const status = String(device.status);
	const buttons = ACTIONS.map(
		([to, label]) =>
			`<button type="button" data-action="status" data-device="${esc(device.id)}" data-status="${to}"${status.toLowerCase() === to ? ' disabled' : ''}>${label}</button>`,
	).join('');
	return `<tr data-device-row="${esc(device.id)}" data-status="${esc(status)}">
<td><code>${esc(device.id)}</code></td>
<td><span class="state ${tone(status)}">${esc(status)}</span></td>
<td class="actions">${buttons}<button type="button" class="danger" data-action="remove" data-device="${esc(device.id)}">Remove</button></td>
</tr>`;
}

function workspaceSection(w) {
	const keys = w.keyNames.length ? w.keyNames.map(esc).join(', ') : 'none of the demo keys';
	const hook = w.webhook
		? `<code>${esc(w.webhook.url)}</code> (signed: ${esc(w.webhook.scheme)})`
		: '<em>none registered: messages from contacts and delivery states go nowhere</em>';
	return `<section class="workspace" data-workspace="${esc(w.id)}">
<h3>${esc(w.id)} <small>${esc(w.plan)} plan</small></h3>
<p>Demo keys: ${keys}. Webhook URL: ${hook}</p>
<table><thead><tr><th>Device</th><th>State</th><th>Change it</th></tr></thead><tbody>
${w.devices.map(deviceRow).join('\n') || '<tr><td colspan="3"><em>no devices</em></td></tr>'}
</tbody></table>
<button type="button" data-action="link" data-workspace="${esc(w.id)}">Link a new device</button>
</section>`;
}

function messagesSection(messages) {
	if (messages.length === 0)
		return '<p><em>No messages yet. A WAPing Send node run against this simulator adds one here.</em></p>';
	const rows = messages
		.map(
			(m) =>
				`<tr data-message="${esc(m.id)}"><td>${time(m.at)}</td><td><code>${esc(m.id)}</code></td><td><code>${esc(m.deviceId)}</code></td><td>${esc(m.to)}</td><td>${esc(m.text)}</td><td><span class="state msg-${esc(m.state)}">${esc(m.state)}</span></td></tr>`,
		)
		.join('\n');
	return `<table><thead><tr><th>Time (UTC)</th><th>Message</th><th>From device</th><th>To</th><th>Text</th><th>Delivery</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function deliveriesSection(deliveries) {
	if (deliveries.length === 0) return '<p><em>Nothing sent to a webhook URL yet.</em></p>';
	const rows = deliveries
		.map((d) => {
			const outcome =
				d.status === undefined && d.error === undefined
					? 'waiting for an answer'
					: d.error
						? `failed: ${d.error}`
						: `answered ${d.status}`;
			const notes = [
				d.attempt > 1 ? `attempt ${d.attempt}` : '',
				d.duplicate ? 'duplicate' : '',
				d.gaveUp ? 'gave up' : '',
			]
				.filter(Boolean)
				.join(', ');
			return `<tr><td>${time(d.at)}</td><td>${esc(d.type)}</td><td class="${d.ok ? 'ok' : 'bad'}">${esc(outcome)}</td><td>${esc(notes)}</td><td><code>${esc(d.url)}</code></td></tr>`;
		})
		.join('\n');
	return `<table><thead><tr><th>Time (UTC)</th><th>Event</th><th>Outcome</th><th>Notes</th><th>URL</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

const stepWords = (ms) => (ms === 1000 ? 'a second' : `every ${ms} ms`);
const failedWords = (share) =>
	share > 0
		? `about ${Math.round(share * 100)} in 100 end "failed" instead, as some real messages do (a number not on WhatsApp).`
		: 'none fails.';

/** The part of the page that changes: workspaces, messages, deliveries. */
function viewHtml(state) {
	return `<h2>Workspaces and their WhatsApp devices</h2>
${state.workspaces.map(workspaceSection).join('\n')}
<h2>Messages WAPing accepted <small>(newest first, the last 50)</small></h2>
<p>Each message goes queued → sent → delivered → read, one step ${esc(stepWords(state.stepMs))}; ${esc(failedWords(state.failed))}</p>
${messagesSection(state.messages)}
<h2>Sent to webhook URLs <small>(newest first, the last 20)</small></h2>
${deliveriesSection(state.deliveries)}`;
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em 1.5em;color:#1d2330}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
h3{margin:.8em 0 .2em}small{font-weight:normal;color:#666}
table{border-collapse:collapse;width:100%;margin:.3em 0}th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #eee;vertical-align:top}
button{font:inherit;margin:0 .3em .2em 0;padding:.2em .7em;border:1px solid #889;border-radius:4px;background:#f5f6fa;cursor:pointer}
button:disabled{opacity:.4;cursor:default}button.danger{border-color:#b44;color:#a22}
.state{padding:0 .5em;border-radius:9px;background:#e3e5ea}.connected,.msg-read,.msg-delivered{background:#cdeccd}
.degraded,.msg-sent{background:#fbe7b5}.disconnected,.msg-failed{background:#f6c9c9}.unlinked{background:#ddd}
.ok{color:#176317}.bad{color:#a22}#notice{min-height:1.5em;font-weight:600}
form{background:#f5f6fa;border:1px solid #dde;padding:.8em 1em;border-radius:6px}label{display:inline-block;margin:.2em 1em .2em 0}
input[type=text]{font:inherit;padding:.15em .3em}`;

const SCRIPT = `const live=document.getElementById('live'),notice=document.getElementById('notice');
const form=document.getElementById('inbound'),select=form.elements.deviceId;
function say(text,bad){notice.textContent=text;notice.style.color=bad?'#a22':'#176317'}
function syncDevices(){const keep=select.value;const rows=[...live.querySelectorAll('[data-device-row]')];
select.innerHTML='';for(const r of rows){const o=document.createElement('option');o.value=r.dataset.deviceRow;
o.textContent=r.dataset.deviceRow+' ('+r.dataset.status+')';select.append(o)}
if(rows.some(r=>r.dataset.deviceRow===keep))select.value=keep}
async function refresh(){try{const r=await fetch('/__sim/view');if(r.ok){live.innerHTML=await r.text();syncDevices()}}catch{}}
async function post(path,body){const r=await fetch(path,{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(body)});
let answer={};try{answer=await r.json()}catch{}return{ok:r.ok,answer}}
live.addEventListener('click',async(e)=>{const b=e.target.closest('button[data-action]');if(!b)return;b.disabled=true;
const d=b.dataset;let r;
if(d.action==='status'){r=await post('/__sim/devices',{id:d.device,status:d.status});say(r.ok?d.device+' is now '+d.status+'.':'Could not change '+d.device+'.',!r.ok)}
if(d.action==='remove'){r=await post('/__sim/devices',{id:d.device,remove:true});say(r.ok?d.device+' was removed (unlinked).':'Could not remove '+d.device+'.',!r.ok)}
if(d.action==='link'){r=await post('/__sim/devices',{workspace:d.workspace,status:'connected'});say(r.ok?'Linked a new device '+r.answer.id+' to '+d.workspace+'; it is connected.':'Could not link a device.',!r.ok)}
refresh()});
form.addEventListener('submit',async(e)=>{e.preventDefault();const f=form.elements;
const r=await post('/__sim/inbound',{deviceId:f.deviceId.value,from:f.from.value.trim(),text:f.text.value,group:f.group.checked});
say(r.ok?'Sent: '+f.from.value+' wrote to '+f.deviceId.value+'. WAPing delivers it to the webhook URL (see "Sent to webhook URLs" below).':'Not sent: '+(r.answer.error||'the simulator refused it')+'.',!r.ok);refresh()});
syncDevices();setInterval(refresh,1000);`;

/** What the page shows (also GET /__sim/state): the workspaces, the last messages and deliveries. */
function pageState({ seed, messages, webhooks }) {
	const names = Object.fromEntries(Object.entries(demoKeys).map(([name, key]) => [key, name]));
	const hooks = new Map(webhooks.list().map((w) => [w.workspace, w]));
	return {
		workspaces: seed.workspaces.map((w) => ({
			id: w.id,
			plan: w.plan,
			keyNames: seed.keys
				.filter((k) => k.workspace === w.id && names[k.key])
				.map((k) => `${names[k.key]}${k.revoked ? ' (revoked)' : ''}`),
			devices: w.devices.map((d) => ({ id: d.id, status: d.status })),
			webhook: hooks.get(w.id),
		})),
		messages: messages
			.slice(-50)
			.reverse()
			.map((m) => ({ ...m, state: webhooks.stateOf(m) })),
		deliveries: webhooks.deliveries.slice(-20).reverse(),
		...webhooks.statusSettings(),
	};
}

/** The whole page. */
function pageHtml(state) {
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>WAPing simulator</title><style>${STYLE}</style></head>
<body>
<h1>WAPing simulator</h1>
<p>A stand-in for WAPing on this computer, to try the n8n WAPing nodes without an account. What you do here is what would happen in WAPing: a device you disconnect answers as disconnected, a message you send as a contact goes to the workspace's webhook URL (the WAPing Webhook Trigger in n8n). The page updates every second.</p>
<p id="notice" role="status" aria-live="polite"></p>
<form id="inbound">
<strong>Send a message to a device as a contact</strong><br>
<label>To device <select name="deviceId"></select></label>
<label>From (a phone number) <input type="text" name="from" value="+4915112345678" size="16"></label>
<label>Text <input type="text" name="text" value="Hello! Is my order on its way?" size="32"></label>
<label><input type="checkbox" name="group"> in a group chat</label>
<button type="submit">Send as a contact</button>
</form>
<div id="live">
${viewHtml(state)}
</div>
<script>${SCRIPT}</script>
</body></html>`;
}

module.exports = { pageHtml, viewHtml, pageState, esc };
