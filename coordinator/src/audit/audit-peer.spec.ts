import { currentPeer, peerHost, runWithPeer, withPeerContext } from './audit-peer';

describe('audit peer context', () => {
  it('drops the port: a new connection is the same peer', () => {
    expect(peerHost('ipv4:10.1.2.3:51515')).toBe('10.1.2.3');
    expect(peerHost('ipv6:[::1]:443')).toBe('::1');
    expect(peerHost('10.1.2.3:9')).toBe('10.1.2.3');
  });

  it('runs each wrapped handler with its caller address, also across awaits', async () => {
    const seen: (string | undefined)[] = [];
    const handlers = withPeerContext({
      Subscribe: async (_call: { getPeer(): string }) => {
        await new Promise((r) => setTimeout(r, 1));
        seen.push(currentPeer());
      },
    });
    await handlers.Subscribe({ getPeer: () => 'ipv4:192.0.2.7:1234' });
    expect(seen).toEqual(['192.0.2.7']);
    expect(currentPeer()).toBeUndefined();
    expect(runWithPeer('a', () => currentPeer())).toBe('a');
  });
});
