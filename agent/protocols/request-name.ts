/**
 * Default metric names for requests: `GET /items/:id`, `ws connect /chat/:id`. Ids in paths are collapsed so that
 * a scenario hitting `/items/1`, `/items/2`, … produces one row in the tables, not thousands.
 *
 * A segment is an id when it is all digits, a UUID, a hex string of 8+ characters with a digit (or 16+ without:
 * no English word is that long and all hex), or a 16+ character token of letters, digits, `_`, `-` (base64url,
 * optionally `=`-padded) that contains a digit. Anything else — words, `v2`, `item-42`, `report.pdf`,
 * `user-preferences-settings` — is kept: a name that lumps real endpoints together hides what is slow.
 */

const ID = ':id';
const DIGITS = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{8,}$/i;
const TOKEN = /^[A-Za-z0-9_-]{16,}={0,2}$/;
const HAS_DIGIT = /\d/;

/** True when one path segment looks like an identifier rather than a word. */
export function isIdSegment(segment: string): boolean {
  if (segment.length === 0) return false;
  if (DIGITS.test(segment)) return true;
  if (segment.length === 36 && UUID.test(segment)) return true;
  if (HEX.test(segment)) return segment.length >= 16 || HAS_DIGIT.test(segment);
  return segment.length >= 16 && TOKEN.test(segment) && HAS_DIGIT.test(segment);
}

/** The path of a request target without query, fragment or (for absolute URLs) origin; always starts with `/`. */
function pathOnly(target: string): string {
  let end = target.length;
  const query = target.indexOf('?');
  if (query !== -1) end = query;
  const hash = target.indexOf('#');
  if (hash !== -1 && hash < end) end = hash;
  let path = target.slice(0, end);
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path);
  if (scheme) path = path.slice(scheme[0].length);
  if (path.length === 0) return '/';
  return path.charCodeAt(0) === 47 /* / */ ? path : `/${path}`;
}

/** A path with its id segments replaced by `:id` (query and fragment dropped). */
export function collapsePath(target: string): string {
  const path = pathOnly(target);
  const segments = path.split('/');
  let changed = false;
  for (let i = 0; i < segments.length; i++) {
    if (isIdSegment(segments[i])) {
      segments[i] = ID;
      changed = true;
    }
  }
  return changed ? segments.join('/') : path;
}

/** `GET /items/42?full=1` → `GET /items/:id`. */
export function defaultRequestName(method: string, path: string): string {
  return `${method.toUpperCase()} ${collapsePath(path)}`;
}

/** `ws://host/rooms/42/feed?token=…` → `ws connect /rooms/:id/feed`. */
export function wsRequestName(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url; // not a URL: name it by what we were given, collapsed the same way
  }
  return `ws connect ${collapsePath(path)}`;
}
