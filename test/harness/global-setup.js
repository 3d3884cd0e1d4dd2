// One throwaway n8n user folder for the whole run (n8n-core writes instance settings there); the
// test processes inherit it, and global-teardown.js removes it.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'waping-n8n-'));
};
