import { ConfigError, DEFAULT_CONFIG, loadCoordinatorConfig } from './coordinator-config';

describe('coordinator configuration', () => {
  it('runs the demo with no configuration at all', () => {
    expect(loadCoordinatorConfig({}, {})).toEqual(DEFAULT_CONFIG);
  });

  it('takes the environment, and flags over the environment', () => {
    const c = loadCoordinatorConfig({ grpcPort: '7000' }, { DATABASE_URL: 'postgres://u@h/db', SYNDICATE_GRPC_PORT: '6000', SYNDICATE_HTTP_PORT: '9000' });
    expect(c).toMatchObject({ databaseUrl: 'postgres://u@h/db', grpcPort: 7000, httpPort: 9000 });
  });

  it('reports every problem at once, naming the environment variable', () => {
    let err: unknown;
    try {
      loadCoordinatorConfig({}, { DATABASE_URL: 'mysql://x', SYNDICATE_GRPC_PORT: '99999', SYNDICATE_LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/databaseUrl \(env DATABASE_URL\): must be sqlite:<path> or a postgres:\/\/ URL/);
    expect(problems.join('\n')).toMatch(/grpcPort \(env SYNDICATE_GRPC_PORT\)/);
  });
});
