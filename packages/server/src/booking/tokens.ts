import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Personal link tokens are 256-bit HMACs of a random nonce, so the database stores only their
 * SHA-256 hash and the nonce: a stolen database file opens no appointment, yet the server can put
 * the same link in a reminder mail days later. Rotating the nonce revokes a link.
 */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function deriveToken(secret: string, kind: 'citizen' | 'companion', id: string, nonce: string): string {
  return createHmac('sha256', secret).update(`${kind}:${id}:${nonce}`).digest('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newId(): string {
  return randomBytes(12).toString('base64url');
}
