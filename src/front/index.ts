export { startFront, type FrontOptions, type RunningFront } from './start-front.js';
export type { HubAddress } from './hub-proxy.js';
export { parseBasicAuthorization, type AuthorizationHeader } from './basic-auth.js';
export { parseHostHeader, type HostAuthority } from './host-header.js';
