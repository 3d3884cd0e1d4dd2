'use strict';
// A packed community package installed into a user folder as n8n's own installer does.
const fsp = require('fs/promises');
const path = require('path');

const { findNpmCli, envWithNode, spawnCollect, tail } = require('./proc');

/**
 * Install an `npm pack`ed community package the way n8n 2.41's CommunityPackagesService.downloadPackage does:
 * extract into $N8N_USER_FOLDER/.n8n/nodes/node_modules/<name> (tar --strip-components=1), drop
 * devDependencies/peerDependencies/optionalDependencies from its package.json, `npm install` its
 * runtime dependencies (only when it has any), and record it in the ledger .n8n/nodes/package.json.
 * n8n 2.41 loads every n8n-nodes-* / @scope/n8n-nodes-* folder there at start, with no database row
 * needed; its node types are `<package name>.<node description name>`.
 */
async function installCommunityPackage(runtime, userFolder, tarballPath, opts = {}) {
	const log = opts.log || (() => {});
	const nodesDir = path.join(path.resolve(userFolder), '.n8n', 'nodes');
	const modulesDir = path.join(nodesDir, 'node_modules');
	await fsp.mkdir(modulesDir, { recursive: true });
	const staging = await fsp.mkdtemp(path.join(nodesDir, '.staging-'));
	try {
		const r = await spawnCollect('tar', [
			'-xzf',
			path.resolve(tarballPath),
			'-C',
			staging,
			'--strip-components=1',
		]);
		if (r.code !== 0)
			throw new Error(`installCommunityPackage: cannot extract ${tarballPath}: ${r.stderr}`);
		const pjPath = path.join(staging, 'package.json');
		const pj = JSON.parse(await fsp.readFile(pjPath, 'utf8'));
		const name = pj.name;
		if (!/^(@[a-z0-9][\w.-]*\/)?n8n-nodes-[\w.-]+$/i.test(name || '')) {
			throw new Error(
				`installCommunityPackage: n8n only loads packages named n8n-nodes-* or @scope/n8n-nodes-*, got "${name}"`,
			);
		}
		const { devDependencies, peerDependencies, optionalDependencies, ...kept } = pj; // eslint-disable-line no-unused-vars
		await fsp.writeFile(pjPath, JSON.stringify(kept, null, 2), 'utf8');
		if (kept.dependencies && Object.keys(kept.dependencies).length > 0) {
			log(
				`installing runtime dependencies of ${name}: ${Object.keys(kept.dependencies).join(', ')}`,
			);
			const npmCli = findNpmCli();
			const ir = await spawnCollect(
				runtime.nodeBin,
				[
					npmCli,
					'install',
					'--audit=false',
					'--fund=false',
					'--bin-links=false',
					'--install-strategy=shallow',
					'--ignore-scripts=true',
					'--package-lock=false',
				],
				{
					cwd: staging,
					env: envWithNode(runtime.nodeBin),
				},
			);
			if (ir.code !== 0)
				throw new Error(
					`installCommunityPackage: npm install in ${name} failed:\n${tail(ir.stdout + ir.stderr)}`,
				);
		}
		const dest = path.join(modulesDir, ...name.split('/'));
		await fsp.mkdir(path.dirname(dest), { recursive: true });
		await fsp.rm(dest, { recursive: true, force: true });
		await fsp.rename(staging, dest);
		// the ledger n8n keeps next to node_modules (CommunityPackagesService.updatePackageJsonDependency)
		const ledgerPath = path.join(nodesDir, 'package.json');
		let ledger = null;
		try {
			ledger = JSON.parse(await fsp.readFile(ledgerPath, 'utf8'));
		} catch {
			/* none yet */
		}
		if (!ledger || typeof ledger.dependencies !== 'object' || !ledger.dependencies)
			ledger = { name: 'installed-nodes', private: true, dependencies: {} };
		ledger.dependencies[name] = kept.version;
		await fsp.writeFile(ledgerPath, JSON.stringify(ledger, null, 2), 'utf8');
		log(`installed ${name}@${kept.version} into ${dest}`);
		return { packageName: name, version: kept.version, packageDir: dest, nodeTypePrefix: name };
	} finally {
		await fsp.rm(staging, { recursive: true, force: true });
	}
}

module.exports = { installCommunityPackage };
