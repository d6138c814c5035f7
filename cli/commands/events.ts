import { ApiClient } from '../client/api-client.js';
import { resolveConnection, type ConnectionOptions } from '../client/connection.js';
import { followEvents, type StreamedEvent } from '../client/event-follower.js';
import { CliError } from '../errors.js';

export interface EventsOptions extends ConnectionOptions {
  follow?: boolean;
  after: string;
  json?: boolean;
}

function format(event: StreamedEvent, json: boolean | undefined): string {
  if (json) return JSON.stringify(event);
  return `${String(event.seq).padStart(6)}  ${new Date(event.atMs).toISOString()}  ${event.type.padEnd(20)} ${event.subject.padEnd(20)} ${JSON.stringify(event.data)}`;
}

const PAGE = 1000;

/**
 * `drill events [--follow] [--after N]`: stored events after N; with
 * --follow, then live ones over WebSocket until interrupted, reconnecting
 * from the last one seen.
 */
export async function events(options: EventsOptions, out: (line: string) => void, stop: Promise<void>): Promise<number> {
  const after = Number(options.after);
  if (!(Number.isInteger(after) && after >= 0)) throw new CliError(`--after: ${JSON.stringify(options.after)} is not an event sequence number (0 or more)`, 2);
  const connection = resolveConnection(options);
  if (options.follow) {
    const follower = followEvents(connection, {
      after,
      onEvent: (event) => out(format(event, options.json)),
      onStatus: (status) => {
        if (status !== 'connected') process.stderr.write(`drill events: ${status}\n`);
      },
    });
    await stop;
    follower.stop();
    await follower.done;
    return 0;
  }
  const client = new ApiClient(connection);
  for (let last = after; ; ) {
    const page = await client.call<StreamedEvent[]>('GET', `/api/v1/events?after=${last}&limit=${PAGE}`);
    for (const event of page) out(format(event, options.json));
    if (page.length < PAGE) return 0;
    last = page.at(-1)!.seq;
  }
}
