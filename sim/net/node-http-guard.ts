import http from 'node:http';
import https from 'node:https';
import type { Disposable } from '../disposable.js';
import { SimError } from '../errors.js';

type Patchable = Record<'request' | 'get', unknown> & { ClientRequest?: unknown };

/**
 * Makes node:http(s) requests throw until disposed, on the same surface the
 * interceptors patch (`request`, `get`, `ClientRequest`): for a network that
 * answers only `fetch`, so that a node:http(s) client fails closed too instead
 * of reaching a socket.
 */
export function refuseNodeHttp(): Disposable {
  const restore: Array<() => void> = [];
  const refuse = (module: Patchable, scheme: string, name: 'request' | 'get' | 'ClientRequest'): void => {
    const original = module[name];
    const refused = (): never => {
      throw new SimError('CLIENT_NOT_CARRIED', `Failed to send a ${scheme} request with node:${scheme}: this in-process network carries fetch only — send it with network.fetch, or attach the network with intercept: 'fetch-and-node-http'`);
    };
    module[name] = name === 'ClientRequest' ? new Proxy(original as new () => unknown, { construct: refused }) : refused;
    restore.push(() => (module[name] = original));
  };
  refuse(http as unknown as Patchable, 'http', 'request');
  refuse(http as unknown as Patchable, 'http', 'get');
  refuse(http as unknown as Patchable, 'http', 'ClientRequest');
  refuse(https as unknown as Patchable, 'https', 'request');
  refuse(https as unknown as Patchable, 'https', 'get');
  return {
    dispose: () => {
      for (const undo of restore.reverse()) undo();
      restore.length = 0;
    },
  };
}
