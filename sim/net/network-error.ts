/** The socket error codes the in-process network reproduces. */
export type SocketErrorCode = 'ECONNREFUSED' | 'ECONNRESET';

/**
 * Shaped like Node's own socket errors (`code`, `syscall`), so code written
 * against real sockets classifies in-process failures the same way.
 */
export class NetworkError extends Error {
  override name = 'NetworkError';
  readonly syscall: string;
  constructor(
    readonly code: SocketErrorCode,
    message: string,
  ) {
    super(message);
    this.syscall = code === 'ECONNREFUSED' ? 'connect' : 'read';
  }
}
