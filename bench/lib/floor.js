'use strict';
// The floor, in a fresh process: a plain undici client doing only what the job needs: one
// GET /v1/devices, then a Map lookup per item. Prints one JSON line and exits.
//
//   node bench/lib/floor.js '{"items":N,"baseUrl":"...","warm":0}'
// With "warm": W, the job is done W times before the measured one (cold: the first request in the process).
const { request } = require('undici');

const { measure, workerMain } = require('./memory');
const { API_KEY, deviceIds } = require('./workload');

async function main() {
	const args = JSON.parse(process.argv[2]);
	const ids = deviceIds(args.items);
	const job = async () => {
		const response = await request(`${args.baseUrl}/v1/devices`, {
			headers: { authorization: `Bearer ${API_KEY}`, accept: 'application/json' },
		});
		if (response.statusCode !== 200)
			throw new Error(`GET /v1/devices answered ${response.statusCode}`);
		const { data } = await response.body.json();
		const byId = new Map(data.map((device) => [device.id, device]));
		return ids.map((id) => byId.get(id));
	};
	// Warm: the job `warm` times before the measured one (undici keeps the connection open).
	const { result, ms, measuredFrom, peakRss } = await measure(() => job, args.warm);
	if (result.some((device) => device === undefined)) throw new Error('a device was not found');
	return { ms, measuredFrom, outputs: [result.length], peakRss };
}

workerMain(main);
