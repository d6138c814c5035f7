import type { RedfishSharedData } from './shared-data.js';

/** A Redfish Message (Message.v1_3_0) worded from a DMTF registry. */
export interface RedfishMessage {
  readonly '@odata.type': '#Message.v1_3_0.Message';
  readonly MessageId: string;
  readonly Message: string;
  readonly MessageArgs: readonly string[];
  readonly MessageSeverity: 'OK' | 'Warning' | 'Critical';
  readonly Resolution: string;
  readonly RelatedProperties?: readonly string[];
}

/** Words registry messages; one per process, shared by every BMC. */
export class MessageBook {
  constructor(private readonly shared: RedfishSharedData) {}

  /** `key` is `Base.PropertyUnknown` or just `PropertyUnknown` (Base). */
  make(key: string, args: readonly (string | number)[] = [], related?: readonly string[]): RedfishMessage {
    const [prefix, name] = key.includes('.') ? (key.split('.') as [string, string]) : ['Base', key];
    const registry = this.shared.registry(prefix);
    const entry = registry.messages[name];
    if (!entry) throw new Error(`Invariant violated: ${prefix} registry ${registry.version} has no message ${name}`);
    const texts = args.map(String);
    const message = entry.Message.replace(/%(\d+)/g, (_, n: string) => texts[Number(n) - 1] ?? '');
    return {
      '@odata.type': '#Message.v1_3_0.Message',
      MessageId: `${registry.messagePrefix}.${name}`,
      Message: message,
      MessageArgs: texts,
      MessageSeverity: entry.MessageSeverity ?? 'OK',
      Resolution: entry.Resolution ?? 'None.',
      ...(related === undefined ? {} : { RelatedProperties: related }),
    };
  }
}

/**
 * A request the BMC refuses: the HTTP status and the registry messages that go in
 * the Redfish error body (`error.code`, `error.message`, `@Message.ExtendedInfo`).
 */
export class RedfishProblem extends Error {
  override name = 'RedfishProblem';
  constructor(
    readonly status: number,
    readonly messages: readonly RedfishMessage[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(messages.map((m) => m.Message).join(' ') || `HTTP ${status}`);
  }
}

/** The Redfish error body (redfish-error.v1_0_2). */
export function errorBody(book: MessageBook, messages: readonly RedfishMessage[]): unknown {
  const first = messages[0];
  const general = book.make('GeneralError');
  return {
    error: {
      code: messages.length === 1 && first ? first.MessageId : general.MessageId,
      message: messages.length === 1 && first ? first.Message : general.Message,
      '@Message.ExtendedInfo': messages,
    },
  };
}
