import { GatehouseError } from '../errors/index.js';

export const maxUserNameLength = 64;
export const minPasswordLength = 8;

/**
 * bcrypt reads at most 72 bytes of a password and silently ignores the rest, so a longer password
 * would look stronger than it is and any string sharing its first 72 bytes would also match.
 */
export const maxPasswordBytes = 72;

/** Returns why `name` cannot be a user name, or null when it can. */
export function findUserNameProblem(name: string): string | null {
  const length = [...name].length;
  if (length === 0) {
    return 'the user name is empty';
  }
  if (length > maxUserNameLength) {
    return `the user name has ${length} characters, more than the maximum of ${maxUserNameLength}`;
  }
  // The htpasswd format ends the name at the first ':', and the roles file separates names by spaces.
  if (name.includes(':')) {
    return 'the user name contains ":", which separates the name from the hash in the users file';
  }
  if (/\s/u.test(name)) {
    return 'the user name contains whitespace, which separates names in the roles file';
  }
  if (/\p{Cc}/u.test(name)) {
    return 'the user name contains a control character';
  }
  // Apache and nginx skip htpasswd lines that start with '#' as comments.
  if (name.startsWith('#')) {
    return 'the user name starts with "#", which marks a comment line in the users file';
  }
  return null;
}

/** Throws AUTH_USER_INVALID unless `name` is a valid user name. */
export function validateUserName(name: string): void {
  const problem = findUserNameProblem(name);
  if (problem !== null) {
    throw new GatehouseError('AUTH_USER_INVALID', `invalid user name ${JSON.stringify(name)}: ${problem}`, {
      context: { user: name },
    });
  }
}

/** Throws AUTH_USER_INVALID unless `password` follows the password rules. The message never contains the password. */
export function validatePassword(password: string): void {
  const problem = findPasswordProblem(password);
  if (problem !== null) {
    throw new GatehouseError('AUTH_USER_INVALID', `invalid password: ${problem}`);
  }
}

function findPasswordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < minPasswordLength) {
    return `it has ${length} characters, fewer than the minimum of ${minPasswordLength}`;
  }
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > maxPasswordBytes) {
    return `it is ${bytes} bytes long in UTF-8, more than bcrypt's maximum of ${maxPasswordBytes}; choose a shorter one`;
  }
  // A line break would end the password early when it is read with --password-stdin or typed at a prompt.
  if (/[\r\n]/.test(password)) {
    return 'it contains a line break';
  }
  return null;
}
