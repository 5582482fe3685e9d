import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes for the write-only `password` attribute (RFC 7643 §4.1.1): scrypt (RFC 7914)
 * with a random 16-byte salt, run on libuv's thread pool so that hashing never blocks the event
 * loop. The stored string carries its parameters, so they can be raised later without breaking
 * older hashes:
 *
 *     scrypt$N=16384,r=8,p=1$<salt, base64>$<64-byte key, base64>
 */

const PARAMETERS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 64;
const SALT_LENGTH = 16;
const PREFIX = 'scrypt';

function derive(
  password: string,
  salt: Buffer,
  options: ScryptOptions,
  length: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      length,
      { ...options, maxmem: 64 * 1024 * 1024 },
      (error, key) => {
        if (error) reject(error);
        else resolve(key);
      },
    );
  });
}

/** The storable hash of a password (a new salt every time). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, PARAMETERS, KEY_LENGTH);
  const { N, r, p } = PARAMETERS;
  return `${PREFIX}$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `password` is the one `stored` was made from; false for anything not such a hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [prefix, parameters, salt, key] = stored.split('$');
  if (prefix !== PREFIX || !parameters || salt === undefined || key === undefined) return false;
  const values = Object.fromEntries(
    parameters.split(',').map((pair) => {
      const [name, value] = pair.split('=');
      return [name, Number(value)];
    }),
  ) as Record<string, number>;
  const { N, r, p } = values;
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && (n ?? 0) > 0)) return false;
  const expected = Buffer.from(key, 'base64');
  if (expected.length === 0) return false;
  try {
    const actual = await derive(
      password,
      Buffer.from(salt, 'base64'),
      { N, r, p },
      expected.length,
    );
    return timingSafeEqual(actual, expected);
  } catch {
    return false; // parameters scrypt refuses (N not a power of two, too much memory)
  }
}
