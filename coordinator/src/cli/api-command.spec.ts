import * as https from 'https';
import type { AddressInfo } from 'net';
import { makeDevPki } from '../certs/dev-ca';
import { AdminClient } from '../client/admin-client';
import { cliErrorOf, EXIT } from './api-command';

describe('cliErrorOf', () => {
  it('tells a user who spoke http:// to the HTTPS port to use https://, exit 7', async () => {
    const pki = await makeDevPki({ hosts: ['localhost'], days: 1 });
    const server = https.createServer({ cert: pki.coordinator.cert, key: pki.coordinator.key }, (_req, res) =>
      res.end('{}'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const err = await new AdminClient(`http://127.0.0.1:${port}`, { token: 't' })
        .federations()
        .catch((e: unknown) => e);
      const cli = cliErrorOf(err)!;
      expect(cli.exitCode).toBe(EXIT.UNREACHABLE);
      expect(cli.message).toMatch(/hint: the coordinator serves HTTPS: use an https:\/\/ address in --url/);
    } finally {
      server.close();
    }
  });
});
