'use strict';
/*
 * Records the package that `npm run dev` installed from its tarball the way n8n's own installer
 * does, so that Settings → Community nodes lists it. n8n's installer (CommunityPackagesService,
 * installed-packages.repository persistPackageWithNodes, on 1.123 and 2.41) downloads from an npm
 * registry (a custom one needs an n8n licence) and then writes one row to `installed_packages`
 * and one per node to `installed_nodes`; the page lists those rows. With no registry to install
 * from, this writes the same rows, with the node types n8n's loader reads from the package.
 *
 * Run after an `n8n import:*` command (its migrations created the tables) and before n8n starts
 * (no other writer on the SQLite file). Plain CommonJS, Node built-ins only; sqlite3 is n8n's own.
 */

const path = require('path');
const { spawn } = require('child_process');

/** What runs under n8n's Node, with n8n's node_modules on NODE_PATH (sqlite3, n8n-workflow). */
const PROGRAM = `
const path = require('path');
const sqlite3 = require('sqlite3');
const [dbFile, packageDir] = process.argv.slice(1);
const pj = require(path.join(packageDir, 'package.json'));
// As n8n's loader: each node file's class, its displayName, type and newest version.
const nodes = ((pj.n8n && pj.n8n.nodes) || []).map((file) => {
	const exported = require(path.join(packageDir, file));
	const Type = Object.values(exported).find((value) => typeof value === 'function');
	const d = new Type().description;
	const versions = Array.isArray(d.version) ? d.version : [d.version];
	return { name: d.displayName, type: pj.name + '.' + d.name, latestVersion: Math.max(...versions) };
});
const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
const author = pj.author && typeof pj.author === 'object' ? pj.author : {};
const db = new sqlite3.Database(dbFile);
const run = (sql, params) => new Promise((resolve, reject) => db.run(sql, params, (e) => (e ? reject(e) : resolve())));
(async () => {
	await run('BEGIN');
	await run('DELETE FROM installed_nodes WHERE package = ?', [pj.name]);
	await run('DELETE FROM installed_packages WHERE "packageName" = ?', [pj.name]);
	await run('INSERT INTO installed_packages ("packageName", "installedVersion", "authorName", "authorEmail", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)',
		[pj.name, pj.version, author.name || null, author.email || null, now, now]);
	for (const node of nodes)
		await run('INSERT INTO installed_nodes (name, type, "latestVersion", package) VALUES (?, ?, ?, ?)',
			[node.name, node.type, node.latestVersion, pj.name]);
	await run('COMMIT');
	db.close();
	console.log(JSON.stringify(nodes.map((node) => node.type)));
})().catch((error) => { console.error(error && error.message ? error.message : error); process.exit(1); });
`;

/**
 * Writes the rows n8n's installer writes for `installed` (from installCommunityPackage) into the
 * user folder's database. Resolves with the node types recorded.
 */
function registerCommunityPackage(runtime, userFolder, installed) {
	const dbFile = path.join(path.resolve(userFolder), '.n8n', 'database.sqlite');
	return new Promise((resolve, reject) => {
		const child = spawn(runtime.nodeBin, ['-e', PROGRAM, dbFile, installed.packageDir], {
			cwd: runtime.appDir,
			env: { PATH: process.env.PATH || '', NODE_PATH: path.join(runtime.appDir, 'node_modules') },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.stderr.on('data', (chunk) => (err += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()));
			else
				reject(
					new Error(`registering ${installed.packageName} in n8n's database failed: ${err.trim()}`),
				);
		});
	});
}

module.exports = { registerCommunityPackage };
