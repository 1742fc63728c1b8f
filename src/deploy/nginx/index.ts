export { mozillaIntermediateCiphers, type NginxSiteInput, renderNginxSite, websocketTimeoutSeconds } from './site-config.js';
