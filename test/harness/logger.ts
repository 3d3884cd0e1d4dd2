/** A logger that keeps every line n8n and the node log, so tests can read them. */
export interface CapturedLine {
	level: string;
	message: string;
	metadata: unknown;
}

export function capturingLogger(lines: Pick<CapturedLine[], 'push'>) {
	const at = (level: string) => (message: string, metadata?: unknown) => {
		lines.push({ level, message, metadata });
	};
	const logger = {
		error: at('error'),
		warn: at('warn'),
		info: at('info'),
		debug: at('debug'),
		scoped: () => logger,
	};
	return logger;
}
