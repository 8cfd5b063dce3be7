import assert from 'node:assert/strict';

/**
 * Asserts the one error shape every 4xx of the API shares, `{ error: { code, message } }`, and
 * returns the error for further checks.
 */
export function assertApiError(
  response: { status: number; body: any; headers: Headers },
  status: number,
  code: string,
): { code: string; message: string; fields?: Record<string, string>; details?: any } {
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(response.body?.error?.code, code);
  assert.equal(typeof response.body.error.message, 'string');
  assert.ok(response.body.error.message.length > 0, 'the message must tell a person what to do');
  return response.body.error;
}
