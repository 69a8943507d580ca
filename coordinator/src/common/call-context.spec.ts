import { createHash } from 'crypto';
import { callContextOf, currentCall, peerHost, runWithCall, withCallContext } from './call-context';

describe('call context', () => {
  it('drops the port: a new connection is the same peer', () => {
    expect(peerHost('ipv4:10.1.2.3:51515')).toBe('10.1.2.3');
    expect(peerHost('ipv6:[::1]:443')).toBe('::1');
    expect(peerHost('10.1.2.3:9')).toBe('10.1.2.3');
  });

  it('fingerprints the client certificate when there is one', () => {
    const raw = Buffer.from('certificate der');
    expect(
      callContextOf({ getPeer: () => 'ipv4:1.2.3.4:5', getAuthContext: () => ({ sslPeerCertificate: { raw } }) }),
    ).toEqual({ peer: '1.2.3.4', clientCertSha256: createHash('sha256').update(raw).digest('hex') });
    expect(callContextOf({ getPeer: () => 'ipv4:1.2.3.4:5', getAuthContext: () => null })).toEqual({
      peer: '1.2.3.4',
    });
  });

  it('runs each wrapped handler with its caller, also across awaits', async () => {
    const seen: (string | undefined)[] = [];
    const handlers = withCallContext({
      Subscribe: async (_call: { getPeer(): string }) => {
        await new Promise((r) => setTimeout(r, 1));
        seen.push(currentCall()?.peer);
      },
    });
    await handlers.Subscribe({ getPeer: () => 'ipv4:192.0.2.7:1234' });
    expect(seen).toEqual(['192.0.2.7']);
    expect(currentCall()).toBeUndefined();
    expect(runWithCall({ peer: 'a' }, () => currentCall()?.peer)).toBe('a');
  });
});
