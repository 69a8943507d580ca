import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AgentConfigError, loadAgentConfig } from './agent-config';

const problemsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof AgentConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('agent configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-agent-config-'));
  const csv = path.join(dir, 'loans.csv');
  fs.writeFileSync(csv, 'x,y\n1,0\n');

  it('layers defaults, a YAML file, the environment and flags, in that order', () => {
    const file = path.join(dir, 'agent.yaml');
    fs.writeFileSync(file, `data: ${csv}\ncoordinator: file.example:443\nlogLevel: debug\n`);
    const c = loadAgentConfig({ logLevel: 'warn', insecure: true }, { SYNDICATE_COORDINATOR: 'env.example:443' }, file);
    expect(c).toEqual({
      data: csv,
      stateDir: '.syndicate-agent',
      coordinator: 'env.example:443',
      logLevel: 'warn',
      insecure: true,
    });
  });

  it('reads relative paths in the file as relative to the file (a kit works wherever it is unpacked)', () => {
    const kit = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-kit-'));
    fs.writeFileSync(path.join(kit, 'token'), 'syn_enr_x\n');
    fs.copyFileSync(csv, path.join(kit, 'loans.csv'));
    fs.writeFileSync(path.join(kit, 'agent.yaml'), 'data: loans.csv\nstateDir: state\ntokenFile: ./token\n');
    const c = loadAgentConfig({}, {}, path.join(kit, 'agent.yaml'));
    expect(c).toMatchObject({
      data: path.join(kit, 'loans.csv'),
      stateDir: path.join(kit, 'state'),
      tokenFile: path.join(kit, 'token'),
    });
  });

  it('lists every problem at once, naming flag and environment variable', () => {
    const problems = problemsOf(() =>
      loadAgentConfig(
        { coordinator: 'no-port', cert: path.join(dir, 'missing.pem') },
        { SYNDICATE_LOG_LEVEL: 'loud' },
        undefined,
      ),
    );
    const text = problems.join('\n');
    expect(text).toMatch(/^data \(--data, env SYNDICATE_DATA\): required/m);
    expect(text).toMatch(/^coordinator \(--coordinator, env SYNDICATE_COORDINATOR\): must be host:port/m);
    expect(text).toMatch(/^logLevel \(--log-level, env SYNDICATE_LOG_LEVEL\)/m);
    expect(text).toMatch(/missing\.pem cannot be read/);
    expect(text).toMatch(/cert and key go together/);
  });

  it('names unknown settings in the file', () => {
    const file = path.join(dir, 'typo.yaml');
    fs.writeFileSync(file, `data: ${csv}\ncoordinatr: x:1\n`);
    expect(problemsOf(() => loadAgentConfig({}, {}, file))).toEqual([
      expect.stringMatching(/typo\.yaml: unknown setting coordinatr$/),
    ]);
  });

  it('never turns TLS off from the environment or the file alone, and says how to', () => {
    const file = path.join(dir, 'plaintext.yaml');
    fs.writeFileSync(file, `data: ${csv}\ninsecure: true\n`);
    expect(problemsOf(() => loadAgentConfig({}, {}, file))).toEqual([
      expect.stringMatching(/insecure in .*plaintext\.yaml: plaintext is only ever turned on by --insecure/),
    ]);
    expect(problemsOf(() => loadAgentConfig({ data: csv }, { SYNDICATE_INSECURE: 'true' }))).toEqual([
      expect.stringMatching(/^env SYNDICATE_INSECURE: plaintext is only ever turned on by --insecure/),
    ]);
    // Positive control: the flag itself still works, with or without the others.
    expect(loadAgentConfig({ insecure: true }, { SYNDICATE_INSECURE: 'true' }, file).insecure).toBe(true);
  });
});
