/** Why the provisioner refused an input or could not act on a node. */
export type ProvisionerErrorCode = 'PROVISIONER_BAD_CONFIG' | 'PROVISIONER_UNKNOWN_NODE' | 'PROVISIONER_BAD_INPUT';

export class ProvisionerError extends Error {
  override name = 'ProvisionerError';
  constructor(
    readonly code: ProvisionerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
