import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, DEFAULT_CONFIG, loadCoordinatorConfig } from './coordinator-config';

describe('coordinator configuration', () => {
  it('needs TLS unless told --insecure, and says how to get development certificates', () => {
    expect(loadCoordinatorConfig({ insecure: true }, {})).toEqual({ ...DEFAULT_CONFIG, insecure: true });
    // Issue 14: the environment alone no longer turns TLS off, and says so.
    expect(() => loadCoordinatorConfig({}, { SYNDICATE_INSECURE: 'true' })).toThrow(
      /env SYNDICATE_INSECURE: plaintext is only ever turned on by --insecure on the command line/,
    );
    expect(loadCoordinatorConfig({ insecure: true }, { SYNDICATE_INSECURE: 'true' }).insecure).toBe(true);
    expect(() => loadCoordinatorConfig({}, {})).toThrow(/TLS is required.*syndicate certs init.*--insecure/);
    expect(() =>
      loadCoordinatorConfig({ tlsCert: '/nonexistent/cert.pem', tlsKey: '/nonexistent/key.pem' }, {}),
    ).toThrow(/tlsCert: \/nonexistent\/cert.pem cannot be read/);
  });

  it('takes the environment, and flags over the environment', () => {
    const c = loadCoordinatorConfig(
      { grpcPort: '7000', insecure: true },
      { DATABASE_URL: 'postgres://u@h/db', SYNDICATE_GRPC_PORT: '6000', SYNDICATE_HTTP_PORT: '9000' },
    );
    expect(c).toMatchObject({ databaseUrl: 'postgres://u@h/db', grpcPort: 7000, httpPort: 9000 });
  });

  it('reads a YAML file below the environment and flags, and names its unknown settings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-config-'));
    const file = path.join(dir, 'coordinator.yaml');
    fs.writeFileSync(file, 'databaseUrl: postgres://u@db/syndicate\ngrpcPort: 7001\nhttpPort: 7002\n');
    expect(
      loadCoordinatorConfig({ httpPort: '7003', insecure: true }, { SYNDICATE_GRPC_PORT: '7004' }, file),
    ).toMatchObject({ databaseUrl: 'postgres://u@db/syndicate', grpcPort: 7004, httpPort: 7003 });
    fs.writeFileSync(file, 'grpcPrt: 1\nlogLevel: loud\n');
    const problems = (() => {
      try {
        loadCoordinatorConfig({}, {}, file);
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/coordinator\.yaml: unknown setting grpcPrt$/),
        expect.stringMatching(/^logLevel/),
      ]),
    );
    fs.writeFileSync(file, 'grpcPort: [1\n');
    expect(() => loadCoordinatorConfig({}, {}, file)).toThrow(/not valid YAML/);
    expect(() => loadCoordinatorConfig({}, { SYNDICATE_CONFIG: path.join(dir, 'missing.yaml') })).toThrow(
      /missing\.yaml: cannot be read \(ENOENT\)/,
    );
  });

  it('reports every problem at once, naming the environment variable', () => {
    let err: unknown;
    try {
      loadCoordinatorConfig(
        {},
        { DATABASE_URL: 'mysql://x', SYNDICATE_GRPC_PORT: '99999', SYNDICATE_LOG_LEVEL: 'loud' },
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    // The three bad settings, and the missing TLS material.
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(
      /databaseUrl \(env DATABASE_URL\): must be sqlite:<path> or a postgres:\/\/ URL/,
    );
    expect(problems.join('\n')).toMatch(/grpcPort \(env SYNDICATE_GRPC_PORT\)/);
  });
});
