import { X509Certificate } from 'node:crypto';
import type { Server as TlsServer } from 'node:tls';

import type { Logger } from '../log/logger.js';
import { isSelfSigned } from '../tls/certificate-info.js';
import { readCertificatePair } from '../tls/read-pair.js';
import { tlsProfile } from '../tls/tls-profile.js';
import { watchPairFiles, type PairWatcher } from '../tls/watch-pair-files.js';

export interface CertificateReloaderOptions {
  /** The HTTPS server whose secure context is replaced. */
  server: TlsServer;
  certFile: string;
  keyFile: string;
  /** PEM text the server was started with, so an unchanged pair is not swapped in again. */
  cert: string;
  key: string;
  /** With HSTS on, a self-signed replacement is rejected, as it is at start. */
  hstsEnabled: boolean;
  /** Quiet time after the last file change before the files are read; default 1000 ms. */
  debounceMs?: number | undefined;
  /** Called with the PEM certificate after a new pair went into use. */
  onReloaded?: (cert: string) => void;
  logger: Logger;
}

/** Outcome of one reload: the new pair is in use, the files are unchanged, or they were rejected. */
export type ReloadResult = 'reloaded' | 'unchanged' | 'rejected';

/**
 * Reload the front's certificate and key when their files change and on request (SIGHUP), without
 * a restart. `setSecureContext` applies to new handshakes only, so open connections and websockets
 * keep the session they negotiated. Files that are unreadable, do not parse or do not match keep
 * the old pair in use, with an error in the log.
 */
export class CertificateReloader {
  readonly #options: CertificateReloaderOptions;
  readonly #logger: Logger;
  #current: { cert: string; key: string };
  #queue: Promise<unknown> = Promise.resolve();
  #watcher: PairWatcher | undefined;

  constructor(options: CertificateReloaderOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#current = { cert: options.cert, key: options.key };
  }

  /** Start watching the files; resolves once the watches are active. */
  async start(): Promise<void> {
    this.#watcher = await watchPairFiles({
      certFile: this.#options.certFile,
      keyFile: this.#options.keyFile,
      debounceMs: this.#options.debounceMs ?? 1000,
      onChange: async () => {
        await this.reload('file change');
      },
      logger: this.#logger,
    });
  }

  stop(): void {
    this.#watcher?.stop();
  }

  /** Read both files again and use them for new connections when they are valid. Never rejects. */
  reload(reason: string): Promise<ReloadResult> {
    // One reload at a time, so a SIGHUP during a file-change reload cannot apply an older read last.
    const result = this.#queue.then(() => this.#reloadNow(reason));
    this.#queue = result;
    return result;
  }

  async #reloadNow(reason: string): Promise<ReloadResult> {
    const { certFile, keyFile } = this.#options;
    let pair;
    try {
      pair = await readCertificatePair(certFile, keyFile);
    } catch (error) {
      this.#logger.error({ err: error, certFile, keyFile, reason }, 'the new TLS files are invalid, so the front keeps its current certificate');
      return 'rejected';
    }

    if (pair.cert === this.#current.cert && pair.key === this.#current.key) {
      this.#logger.debug({ certFile, reason }, 'the TLS files are unchanged');
      return 'unchanged';
    }
    if (this.#options.hstsEnabled && isSelfSigned(pair.cert)) {
      this.#logger.error({ certFile, reason }, 'the new certificate is self-signed but front.hsts.enabled is true, so the front keeps its current certificate');
      return 'rejected';
    }

    try {
      this.#options.server.setSecureContext({ ...tlsProfile, cert: pair.cert, key: pair.key });
    } catch (error) {
      this.#logger.error({ err: error, certFile, reason }, 'the TLS library rejected the new files, so the front keeps its current certificate');
      return 'rejected';
    }
    this.#current = { cert: pair.cert, key: pair.key };
    this.#options.onReloaded?.(pair.cert);

    const certificate = new X509Certificate(pair.cert);
    this.#logger.info(
      { certFile, reason, fingerprint256: certificate.fingerprint256, validTo: new Date(certificate.validTo).toISOString() },
      'reloaded the TLS certificate',
    );
    return 'reloaded';
  }
}
