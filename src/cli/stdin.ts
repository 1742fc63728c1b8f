import { GatehouseError } from '../errors/index.js';

/** Longest password input read from standard input; bcrypt uses at most 72 bytes anyway. */
const maxInputBytes = 4096;

/** Read a password from standard input: the first line, without its line terminator. */
export async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(buffer);
    size += buffer.length;
    if (size > maxInputBytes) {
      throw new GatehouseError('AUTH_USER_INVALID', `password input is longer than ${maxInputBytes} bytes: pipe just the password`);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/** Ask for a password on the terminal without echoing it; twice when `confirm` is set. */
export async function promptPassword(confirm: boolean): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new GatehouseError('AUTH_USER_INVALID', 'no terminal to ask for a password: pass --password-stdin and pipe the password in');
  }
  const first = await promptHidden('Password: ');
  if (confirm) {
    const second = await promptHidden('Repeat password: ');
    if (first !== second) {
      throw new GatehouseError('AUTH_USER_INVALID', 'the two passwords differ: run the command again');
    }
  }
  return first;
}

async function promptHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (chunk: Buffer): void => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            resolve(text);
            return;
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            reject(new GatehouseError('AUTH_USER_INVALID', 'cancelled'));
            return;
          }
          text = char === '\u007f' ? text.slice(0, -1) : text + char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
