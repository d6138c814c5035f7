export { CertificateAuthority, type KeyAndCertificate } from './certificate-authority.js';
