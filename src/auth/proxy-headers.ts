/**
 * Headers the front adds to every request it proxies to the hub. The front deletes any client-sent
 * header with these names first; the hub trusts the user and client headers only when the secret
 * header matches its proxy secret.
 */
export const proxySecretHeader = 'x-gatehouse-secret';
export const proxyUserHeader = 'x-gatehouse-user';
export const proxyClientHeader = 'x-gatehouse-client';

/** Every header name the front strips from client requests before proxying. */
export const strippedClientHeaders: readonly string[] = [
  proxySecretHeader,
  proxyUserHeader,
  proxyClientHeader,
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
];
