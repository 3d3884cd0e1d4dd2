/**
 * A loopback WAPing that gets stuck the way a broken proxy does (answers that stall before their
 * headers, after them, mid-body, or trickle forever), and counts the TCP connections the node
 * leaves open to it. GET /v1/devices answers a normal device list unless the test's handler takes it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';

/** What the test's server does with one request; return false to let the normal answer through. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | void;

export interface StuckServer {
	url: string;
	/** Connections the server accepted in all. */
	accepted(): number;
	/** Connections still open (neither side has closed them). */
	open(): number;
	/** The most connections open at once. */
	peak(): number;
	/** Requests seen, as "METHOD path". */
	requests: string[];
	/** Waits up to `withinMs` for every connection to close; returns how many are still open. */
	settled(withinMs?: number): Promise<number>;
	close(): Promise<void>;
}

export const DEVICE_LIST = {
	data: [
		{ id: 'dev_123', status: 'connected' },
		{ id: 'dev_456', status: 'disconnected' },
	],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startStuckServer(handler: Handler): Promise<StuckServer> {
	const sockets = new Set<Socket>();
	let accepted = 0;
	let peak = 0;
	const requests: string[] = [];
	const server = createServer((req, res) => {
		requests.push(`${req.method} ${req.url}`);
		req.resume();
		if (handler(req, res) !== false && !(req.method === 'GET' && req.url === '/v1/devices')) return;
		if (res.headersSent) return;
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify(DEVICE_LIST));
	});
	server.on('connection', (socket: Socket) => {
		accepted++;
		sockets.add(socket);
		peak = Math.max(peak, sockets.size);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		url: `http://127.0.0.1:${port}`,
		accepted: () => accepted,
		open: () => sockets.size,
		peak: () => peak,
		requests,
		async settled(withinMs = 1000) {
			const until = Date.now() + withinMs;
			while (sockets.size > 0 && Date.now() < until) await sleep(10);
			return sockets.size;
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Keeps writing `chunk` every `everyMs` until the client goes away (an endless answer). */
export function trickle(res: ServerResponse, chunk: string | Buffer, everyMs: number): void {
	const timer = setInterval(() => {
		if (!res.destroyed) res.write(chunk);
	}, everyMs);
	res.on('close', () => clearInterval(timer));
}

/** Calls `then` after `ms`, unless the client has gone away by then. */
export function later(res: ServerResponse, ms: number, then: () => void): void {
	const timer = setTimeout(then, ms);
	res.on('close', () => clearTimeout(timer));
}
