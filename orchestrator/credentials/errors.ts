/**
 * Why credentials could not be stored or read. The messages name the file and
 * the fix, and never the secret itself.
 */
export type CredentialsErrorCode = 'CREDENTIALS_WRONG_KEY' | 'CREDENTIALS_UNKNOWN_REF' | 'CREDENTIALS_BAD_FILE' | 'CREDENTIALS_BAD_INPUT';

export class CredentialsError extends Error {
  override name = 'CredentialsError';
  constructor(
    readonly code: CredentialsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
