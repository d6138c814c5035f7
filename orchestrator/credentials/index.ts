export { BmcCredentials } from './bmc-credentials.js';
export { CredentialVault, KEY_FILE, VAULT_FILE, type CredentialVaultOptions } from './credential-vault.js';
export { CredentialsError, type CredentialsErrorCode } from './errors.js';
export { loadOrCreateKey } from './key-file.js';
