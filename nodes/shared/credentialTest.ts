/**
 * The credential dialog's Test (n8n calls it through the nodes' `testedBy`): the node's own checks
 * of the credential, then one GET /v1/devices judged by the node's own device-list parser, so the
 * Test passes exactly the answers the node accepts. n8n's declarative test rules can only compare a
 * body field with one value: they passed `{ "data": null }` and refused a bare list.
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { DEVICES_PATH } from './assumptions';
import { checkCredential } from './connection';
import { parseDeviceList } from './devices';
import { CREDENTIAL_TEST_WORDS } from './explanations';
import { redactor } from './redact';

/** n8n's own words for a passed Test. */
const OK = 'Connection successful!';

/** A credential Test waits at most this long for WAPing's answer. */
const TEST_TIMEOUT_MS = 30_000;

interface FullResponse {
	statusCode: number;
	statusMessage?: string;
	body: unknown;
}

/** The body as JSON when it is JSON text, else as it came. */
function parsed(body: unknown): unknown {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
	if (typeof text !== 'string') return text;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

export async function wapingApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const checked = checkCredential(credential.data ?? {});
	if ('problem' in checked) {
		return {
			status: 'Error',
			message: `${checked.problem.message}. ${checked.problem.description}`,
		};
	}
	const { connection } = checked;
	const redact = redactor(connection.apiKey);
	// The one request helper n8n gives a credential test (ICredentialTestFunctions has no httpRequest,
	// which n8n's lint names as request's replacement); redirects are not followed, any status is read.
	const { helpers } = this;
	let answer: FullResponse;
	try {
		answer = (await helpers.request({
			method: 'GET',
			uri: `${connection.baseUrl}${DEVICES_PATH}`,
			headers: { Accept: 'application/json', Authorization: `Bearer ${connection.apiKey}` },
			json: false,
			simple: false,
			resolveWithFullResponse: true,
			followRedirect: false,
			followAllRedirects: false,
			timeout: TEST_TIMEOUT_MS,
		})) as FullResponse;
	} catch (error) {
		const failure = error as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
		const code = [failure.code, failure.cause?.code].find((value) => typeof value === 'string');
		return {
			status: 'Error',
			message: redact(
				CREDENTIAL_TEST_WORDS.unreachable(
					connection.baseUrl,
					typeof code === 'string' ? code : String(failure.message ?? 'no answer'),
				),
			),
		};
	}
	const status = answer.statusCode;
	if (status === 401) return { status: 'Error', message: CREDENTIAL_TEST_WORDS.unauthorized };
	if (status === 403) return { status: 'Error', message: CREDENTIAL_TEST_WORDS.forbidden };
	if (status >= 300 && status < 400)
		return { status: 'Error', message: CREDENTIAL_TEST_WORDS.redirect(status) };
	if (status < 200 || status >= 300) {
		return { status: 'Error', message: CREDENTIAL_TEST_WORDS.failed(status) };
	}
	if (!parseDeviceList(parsed(answer.body))) {
		return { status: 'Error', message: CREDENTIAL_TEST_WORDS.notTheApi };
	}
	return { status: 'OK', message: OK };
}
