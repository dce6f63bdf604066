import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** The key that signs erasure receipts: the private key, and its public half as published in the JWKS. */
export interface ReceiptKey {
  alg: 'ES256' | 'EdDSA';
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export const RECEIPT_KEY = Symbol('ERASURE_RECEIPT_KEY');

/**
 * The receipt key from `ERASURE_RECEIPT_KEY` (a private JWK, from a Secret), or else from the file,
 * created with a new ES256 key when absent (the local default, kept like the embedded IdP's keys).
 * A malformed key stops the gateway at boot with a message naming where it came from.
 */
export async function loadReceiptKey(config: {
  ERASURE_RECEIPT_KEY?: string | undefined;
  ERASURE_RECEIPT_KEY_FILE: string;
}): Promise<ReceiptKey> {
  if (config.ERASURE_RECEIPT_KEY !== undefined)
    return fromJwk(parse(config.ERASURE_RECEIPT_KEY, 'ERASURE_RECEIPT_KEY'), 'ERASURE_RECEIPT_KEY');
  const file = config.ERASURE_RECEIPT_KEY_FILE;
  let text: string | undefined;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined)
    return fromJwk(parse(text, `ERASURE_RECEIPT_KEY_FILE (${file})`), `ERASURE_RECEIPT_KEY_FILE (${file})`);
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  await writeKeyFile(file, jwk);
  return fromJwk(jwk, file);
}

function parse(text: string, source: string): JWK {
  try {
    return JSON.parse(text) as JWK;
  } catch {
    throw new Error(`${source} is not a JSON Web Key (JSON)`);
  }
}

async function fromJwk(jwk: JWK, source: string): Promise<ReceiptKey> {
  const alg =
    jwk.kty === 'EC' && jwk.crv === 'P-256'
      ? 'ES256'
      : jwk.kty === 'OKP' && jwk.crv === 'Ed25519'
        ? 'EdDSA'
        : undefined;
  if (!alg) throw new Error(`${source} must be an EC P-256 (ES256) or OKP Ed25519 (EdDSA) JSON Web Key`);
  if (typeof jwk.d !== 'string') throw new Error(`${source} must be a private key (it has no "d")`);
  const { d: _private, ...publicPart } = jwk;
  const members =
    alg === 'ES256'
      ? { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y) }
      : { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x) };
  const kid = await calculateJwkThumbprint(members);
  let privateKey: CryptoKey;
  try {
    privateKey = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
  } catch (error) {
    throw new Error(`${source} is not a usable ${alg} key: ${(error as Error).message}`);
  }
  return { alg, kid, privateKey, publicJwk: { ...publicPart, kid, alg, use: 'sig' } };
}

/** Written atomically (temp file + rename) and readable by the owner only. */
async function writeKeyFile(file: string, jwk: JWK): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(temp, file);
}
