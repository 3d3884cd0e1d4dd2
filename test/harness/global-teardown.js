// Removes the n8n user folder global-setup.js made.
const fs = require('node:fs');

module.exports = async () => {
	const folder = process.env.N8N_USER_FOLDER;
	if (folder && /waping-n8n-/.test(folder)) fs.rmSync(folder, { recursive: true, force: true });
};
