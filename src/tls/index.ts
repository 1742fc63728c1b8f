export { ensureCertificate, type CertificatePair, type EnsureCertificateOptions } from './ensure-certificate.js';
export { generatedValidityDays } from './self-signed.js';
