import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CompactSign, compactVerify, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { loadReceiptKey } from './receipt-key';

describe('the erasure receipt key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'receipt-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sign = async (key: Awaited<ReturnType<typeof loadReceiptKey>>) =>
    new CompactSign(new TextEncoder().encode('{"erasureId":"x"}'))
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .sign(key.privateKey);

  it('is created in the file on first start (owner-only) and the same key is read back on the next', async () => {
    const file = path.join(dir, 'nested', 'erasure-receipt-key.json');
    const first = await loadReceiptKey({ ERASURE_RECEIPT_KEY_FILE: file });
    expect(first.alg).toBe('ES256');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('d');
    const again = await loadReceiptKey({ ERASURE_RECEIPT_KEY_FILE: file });
    expect(again.kid).toBe(first.kid);
    // what one start signed, the next start's JWKS verifies
    const { protectedHeader } = await compactVerify(await sign(first), createLocalJWKSet({ keys: [again.publicJwk] }));
    expect(protectedHeader.kid).toBe(first.kid);
  });

  it('publishes the public half only', async () => {
    const key = await loadReceiptKey({ ERASURE_RECEIPT_KEY_FILE: path.join(dir, 'k.json') });
    expect(key.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: key.kid, alg: 'ES256', use: 'sig' });
    expect(key.publicJwk).not.toHaveProperty('d');
  });

  it('takes an Ed25519 key from ERASURE_RECEIPT_KEY over the file', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const key = await loadReceiptKey({
      ERASURE_RECEIPT_KEY: JSON.stringify(await exportJWK(privateKey)),
      ERASURE_RECEIPT_KEY_FILE: path.join(dir, 'unused.json'),
    });
    expect(key.alg).toBe('EdDSA');
    await expect(compactVerify(await sign(key), createLocalJWKSet({ keys: [key.publicJwk] }))).resolves.toBeDefined();
    expect(() => statSync(path.join(dir, 'unused.json'))).toThrow();
  });

  it('refuses, naming the variable, what is not a private ES256 or EdDSA key', async () => {
    const rsa = await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey);
    const { d: _d, ...ecPublic } = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const file = path.join(dir, 'unused.json');
    await expect(loadReceiptKey({ ERASURE_RECEIPT_KEY: 'not json', ERASURE_RECEIPT_KEY_FILE: file })).rejects.toThrow(
      /ERASURE_RECEIPT_KEY is not a JSON Web Key/,
    );
    await expect(
      loadReceiptKey({ ERASURE_RECEIPT_KEY: JSON.stringify(rsa), ERASURE_RECEIPT_KEY_FILE: file }),
    ).rejects.toThrow(/ERASURE_RECEIPT_KEY must be an EC P-256 \(ES256\) or OKP Ed25519/);
    await expect(
      loadReceiptKey({ ERASURE_RECEIPT_KEY: JSON.stringify(ecPublic), ERASURE_RECEIPT_KEY_FILE: file }),
    ).rejects.toThrow(/must be a private key/);
  });
});
