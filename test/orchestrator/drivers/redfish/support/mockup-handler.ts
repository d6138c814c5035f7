/**
 * Serves a DMTF mockup folder (…/mockups/NAME, an index.json per resource path)
 * read-only: GET /redfish/v1/X/Y → X/Y/index.json; anything else 405, unknown
 * paths 404. No sessions: POST …/Sessions is refused, so drivers fall back to
 * basic auth, which this handler accepts for any user.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The DMTF mockups in the shared folder that sits beside the repository. */
export const MOCKUPS_DIR = fileURLToPath(new URL('../../../../../../shared/redfish/mockups/', import.meta.url));

export type Handler = (request: Request) => Promise<Response>;

export function mockupHandler(name: 'public-rackmount1' | 'public-localstorage'): Handler {
  const root = path.join(MOCKUPS_DIR, name);
  return async (request) => {
    const url = new URL(request.url);
    const rel = decodeURIComponent(url.pathname).replace(/^\/redfish\/v1\/?/, '').replace(/\/+$/, '');
    if (!url.pathname.startsWith('/redfish/v1') || rel.split('/').includes('..')) return new Response('not found', { status: 404 });
    if (request.method !== 'GET') {
      return Response.json({ error: { code: 'Base.1.0.ActionNotSupported', message: 'read-only mockup', '@Message.ExtendedInfo': [{ MessageId: 'Base.1.0.ActionNotSupported', Message: 'This mockup is read-only.' }] } }, { status: 405 });
    }
    const file = path.join(root, rel, 'index.json');
    if (!existsSync(file)) return Response.json({ error: { code: 'Base.1.0.ResourceMissingAtURI', message: `${url.pathname} not found` } }, { status: 404 });
    return new Response(readFileSync(file, 'utf8'), { status: 200, headers: { 'content-type': 'application/json' } });
  };
}
