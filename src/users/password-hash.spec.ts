import { hashPassword, verifyPassword } from './password-hash.js';

describe('password hashes', () => {
  it('are salted scrypt hashes that carry their parameters and verify only their password', async () => {
    const first = await hashPassword('correct horse');
    const second = await hashPassword('correct horse');
    expect(first).toMatch(/^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{86}==$/);
    expect(second).not.toBe(first);
    expect(first).not.toContain('correct horse');
    await expect(verifyPassword('correct horse', first)).resolves.toBe(true);
    await expect(verifyPassword('correct horse', second)).resolves.toBe(true);
    await expect(verifyPassword('Correct horse', first)).resolves.toBe(false);
    await expect(verifyPassword('', first)).resolves.toBe(false);
  });

  it('compares passwords in NFC, so composed and decomposed accents are the same password', async () => {
    const hash = await hashPassword('caf\u00e9');
    await expect(verifyPassword('cafe\u0301', hash)).resolves.toBe(true);
  });

  it.each([
    ['empty', ''],
    ['another scheme', 'bcrypt$2b$10$abc'],
    ['missing parts', 'scrypt$N=16384,r=8,p=1$c2FsdA=='],
    ['bad parameters', 'scrypt$N=x,r=8,p=1$c2FsdA==$a2V5'],
    ['N not a power of two', 'scrypt$N=1000,r=8,p=1$c2FsdA==$a2V5'],
    ['an empty key', 'scrypt$N=16384,r=8,p=1$c2FsdA==$'],
  ])('a stored value that is not a hash (%s) verifies nothing', async (_name, stored) => {
    await expect(verifyPassword('anything', stored)).resolves.toBe(false);
  });
});
