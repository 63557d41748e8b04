/**
 * Who may talk to an agent or a coordinator: the shared token (compared in constant time), where it is read from
 * (`Authorization: Bearer`), and the rule that a process listening beyond loopback must have one — an agent runs
 * whatever scenario code it is sent, so an open agent is remote code execution for anyone who can reach it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { RookeryError } from '../common/errors';

/**
 * Compares two tokens in constant time. Both are hashed first: timingSafeEqual needs equal lengths, and comparing
 * digests neither leaks the expected token's length nor how many leading characters matched.
 */
export function tokensEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** True for names and addresses that only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h.startsWith('::ffff:') && isIPv4(h.slice(7))) h = h.slice(7);
  if (isIPv4(h)) return h.split('.')[0] === '127';
  if (isIPv6(h)) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * Refuses to listen beyond loopback without a token. `option` names the flag in the message (`--listen`).
 * Loopback without a token stays allowed: only local users can reach it, and it keeps `rookery run` zero-setup.
 */
export function assertListenAllowed(host: string, token: string | undefined, option = '--listen'): void {
  if (token !== undefined && token.length > 0) return;
  if (isLoopbackHost(host)) return;
  throw new RookeryError(
    'ROOKERY_USAGE',
    `refusing to listen on ${host} without a token: anyone who can reach this port could run arbitrary code on this machine`,
    {
      where: option,
      hint: 'pass --token <secret> (the same on the coordinator and every agent), or listen on 127.0.0.1 only',
    },
  );
}

/** The token a client presented (`Authorization: Bearer <token>`), or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

/** Whether a request may proceed: no token configured, or the one presented matches. */
export function isAuthorized(req: IncomingMessage, expected: string | undefined): boolean {
  if (expected === undefined || expected.length === 0) return true;
  const presented = bearerToken(req);
  return presented !== undefined && tokensEqual(presented, expected);
}

/** The header a dialling side sends. */
export function authorizationHeaders(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** A fresh random token: 32 bytes, base64url (43 characters, safe in URLs, shells and YAML). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}
