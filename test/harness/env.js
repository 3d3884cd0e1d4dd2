// Each test process: n8n's logs off (the harness captures them itself), no calls home.
process.env.N8N_LOG_LEVEL = 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
