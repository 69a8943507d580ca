import nacl from 'tweetnacl';
import { ed25519Verify } from './ed25519';

describe('ed25519Verify (node crypto)', () => {
  const keys = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(7));
  const message = Buffer.from('syndicate envelope bytes');
  const signature = nacl.sign.detached(message, keys.secretKey);

  it("accepts tweetnacl's signature over the same bytes", () => {
    expect(ed25519Verify(message, signature, keys.publicKey)).toBe(true);
  });

  it('refuses another message, a flipped signature bit, another key and wrong lengths', () => {
    expect(ed25519Verify(Buffer.from('syndicate envelope bytez'), signature, keys.publicKey)).toBe(false);
    const flipped = Uint8Array.from(signature);
    flipped[10] ^= 1;
    expect(ed25519Verify(message, flipped, keys.publicKey)).toBe(false);
    expect(ed25519Verify(message, signature, nacl.sign.keyPair().publicKey)).toBe(false);
    expect(ed25519Verify(message, signature.subarray(0, 63), keys.publicKey)).toBe(false);
    expect(ed25519Verify(message, signature, keys.publicKey.subarray(0, 31))).toBe(false);
  });
});
