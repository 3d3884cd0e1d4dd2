'use strict';
/**
 * Benchmark reference, not part of the package: the least a node can do for Device → Get Status
 * through n8n's helpers, with none of WAPing's checks, retries, redaction or routing. It reads the
 * WAPing credential, sends one authenticated GET /v1/devices, then for each input item looks its
 * device up in a Map and builds a new item (a copy of the device, paired with the input item), as
 * WAPing builds them. The benchmark runs it beside WAPing in the same engine: what it costs is the
 * engine's and the job's; what WAPing takes beyond it is WAPing's own.
 */
class Minimal {
	constructor() {
		this.description = {
			displayName: 'Bench Minimal',
			name: 'minimal',
			group: ['transform'],
			version: 1,
			description: 'Fetch the device list once, look each item up',
			defaults: { name: 'Bench Minimal' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'wapingApi', required: true }],
			properties: [],
		};
	}

	async execute() {
		const items = this.getInputData();
		const credentials = await this.getCredentials('wapingApi', 0);
		const answer = await this.helpers.httpRequestWithAuthentication.call(this, 'wapingApi', {
			method: 'GET',
			url: `${credentials.baseUrl}/v1/devices`,
			json: true,
		});
		const byId = new Map(answer.data.map((device) => [device.id, device]));
		const out = [];
		for (let i = 0; i < items.length; i++)
			out.push({ json: { ...byId.get(items[i].json.deviceId) }, pairedItem: { item: i } });
		return [out];
	}
}

module.exports = { Minimal };
