import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { parseDockerfile } from './dockerfile-structure';

const DOCKER = path.join(__dirname, '..', '..', '..', 'deploy', 'docker');
const REPO = path.join(DOCKER, '..', '..');
const ONE_SHOT = ['certs', 'init', 'bootstrap'];

/** No Docker engine runs here: the images are checked for what matters by reading them. */
describe.each(['coordinator.Dockerfile', 'agent.Dockerfile'])('%s', (file) => {
  const { args, stages } = parseDockerfile(fs.readFileSync(path.join(DOCKER, file), 'utf8'));
  const final = stages[stages.length - 1];
  const runs = (s: typeof final) => s.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);

  it('is multi-stage on a pinned Node 20 image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(args.NODE_IMAGE).toMatch(/^node:20\.\d+\.\d+-[a-z]+-slim$/);
    for (const s of stages) expect(s.from).toBe('${NODE_IMAGE}');
  });

  it('runs as a non-root user with a health check', () => {
    const users = final.instructions.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
    expect(final.instructions.some((i) => i.op === 'HEALTHCHECK' && /CMD/.test(i.args))).toBe(true);
  });

  it('installs no dev dependencies into the final image', () => {
    // The final stage installs nothing; the dependency stage it copies node_modules from omits dev.
    expect(runs(final).filter((r) => /\bnpm (ci|install)\b/.test(r))).toEqual([]);
    const source = final.instructions.find((i) => i.op === 'COPY' && /node_modules/.test(i.args))!.args;
    const stageName = /--from=(\S+)/.exec(source)![1];
    const deps = stages.find((s) => s.name === stageName)!;
    for (const r of runs(deps).filter((x) => /\bnpm (ci|install)\b/.test(x))) expect(r).toMatch(/--omit=dev/);
    // No compiler toolchain in the final image.
    expect(runs(final).join(' ')).not.toMatch(/g\+\+|build-essential/);
  });

  it('copies only paths that exist in the repository', () => {
    for (const s of stages) {
      for (const i of s.instructions.filter((x) => x.op === 'COPY' && !x.args.includes('--from='))) {
        const sources = i.args.split(/\s+/).slice(0, -1);
        for (const src of sources) expect(fs.existsSync(path.join(REPO, src))).toBe(true);
      }
    }
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(fs.readFileSync(path.join(DOCKER, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<
      string,
      {
        image?: string;
        build?: { context: string; dockerfile: string };
        depends_on?: Record<string, { condition: string }>;
        healthcheck?: unknown;
        read_only?: boolean;
        volumes?: string[];
        command?: string[];
        entrypoint?: string[];
        environment?: Record<string, string>;
      }
    >;
    volumes: Record<string, unknown>;
  };

  it('runs PostgreSQL, the coordinator and three agents', () => {
    const names = Object.keys(compose.services);
    expect(names).toEqual(expect.arrayContaining(['postgres', 'coordinator']));
    expect(names.filter((n) => n.startsWith('agent-'))).toHaveLength(3);
  });

  it('builds from the Dockerfiles here and starts in dependency order on health', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.build) expect(fs.existsSync(path.join(DOCKER, s.build.context, s.build.dockerfile))).toBe(true);
      else expect(s.image).toMatch(/:\d+(\.\d+)*(-\w+)?$/); // pinned
      for (const dep of Object.keys(s.depends_on ?? {})) {
        expect(compose.services[dep]).toBeDefined();
        // One-shot init services (certificates, migrations, bootstrap) are awaited to completion, long-running ones to health.
        expect(s.depends_on![dep].condition).toBe(
          ONE_SHOT.includes(dep) ? 'service_completed_successfully' : 'service_healthy',
        );
      }
      if (name !== 'postgres') expect(s.read_only).toBe(true);
    }
    expect(compose.services.postgres.healthcheck).toBeDefined();
  });

  it('runs the coordinator with TLS and client-certificate checks, and every agent with the CA and its own certificate', () => {
    const env = (compose.services.coordinator as { environment: Record<string, string> }).environment;
    expect(env.SYNDICATE_TLS_CERT).toBeTruthy();
    expect(env.SYNDICATE_TLS_KEY).toBeTruthy();
    expect(env.SYNDICATE_TLS_CLIENT_CA).toBeTruthy();
    expect(env.SYNDICATE_INSECURE).toBeUndefined();
    for (const [name, s] of Object.entries(compose.services).filter(([n]) => n.startsWith('agent-'))) {
      const args = (s as { command: string[] }).command;
      const bank = name.slice('agent-'.length);
      expect(args).not.toContain('--insecure');
      expect(args[args.indexOf('--ca') + 1]).toBe('/pki/certs/ca.pem');
      expect(args[args.indexOf('--cert') + 1]).toBe(`/pki/certs/agents/${bank}.pem`);
      expect(args[args.indexOf('--key') + 1]).toBe(`/pki/certs/agents/${bank}.key`);
    }
    expect((compose.services.certs as { command: string[] }).command.join(' ')).toContain(
      '--agents alpine,baltic,cascade',
    );
  });
});

describe('docker-compose.yml bootstraps itself (issue 18)', () => {
  const compose = parseYaml(fs.readFileSync(path.join(DOCKER, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<
      string,
      {
        volumes?: string[];
        command?: string[];
        entrypoint?: string[];
        environment?: Record<string, string>;
        depends_on?: Record<string, { condition: string }>;
      }
    >;
  };
  const agents = Object.entries(compose.services).filter(([n]) => n.startsWith('agent-'));
  const volumeOf = (mount: string) => mount.split(':')[0];

  it('has init before the coordinator and a bootstrap after it, which the agents wait for', () => {
    expect(compose.services.coordinator.depends_on?.init?.condition).toBe('service_completed_successfully');
    expect(compose.services.bootstrap.depends_on?.coordinator?.condition).toBe('service_healthy');
    expect(compose.services.init.entrypoint?.join(' ')).toMatch(/init --write-token \/var\/lib\/syndicate-bootstrap\//);
    for (const [, s] of agents) expect(s.depends_on?.bootstrap?.condition).toBe('service_completed_successfully');
    // The bootstrap script it runs exists, creates the federation and one invitation per agent.
    const mount = compose.services.bootstrap.volumes!.find((v) => v.endsWith(':/etc/syndicate/bootstrap.sh:ro'))!;
    const script = fs.readFileSync(path.join(DOCKER, volumeOf(mount)), 'utf8');
    expect(script).toMatch(/federation create --plan/);
    expect(script).toMatch(/participant invite --federation/);
    for (const [name] of agents) expect(script).toContain(name.slice('agent-'.length));
    const plan = compose.services.bootstrap.volumes!.find((v) => v.endsWith(':/etc/syndicate/plan.json:ro'))!;
    expect(fs.existsSync(path.join(DOCKER, volumeOf(plan)))).toBe(true);
  });

  it('hands each agent its token as a file, and no agent mounts the CA private key or another bank volume', () => {
    const certsVolume = volumeOf(
      (compose.services.certs.volumes ?? []).find((v) => /:\/var\/lib\/syndicate$/.test(v)) ?? 'pki:',
    );
    for (const [name, s] of agents) {
      const bank = name.slice('agent-'.length);
      const args = s.command!;
      expect(args[args.indexOf('--token-file') + 1]).toBe('/pki/token');
      expect(args.join(' ')).not.toMatch(/SYNDICATE_TOKEN_|--token /);
      const volumes = (s.volumes ?? []).map(volumeOf);
      expect(volumes).not.toContain(certsVolume);
      expect(volumes).toContain(`${bank}-pki`);
      for (const [other] of agents.filter(([n]) => n !== name))
        expect(volumes).not.toContain(`${other.slice('agent-'.length)}-pki`);
    }
    expect(compose.services.bootstrap.volumes).toEqual(expect.arrayContaining([`${certsVolume}:/pki:ro`]));
  });
});

describe('.dockerignore', () => {
  // Docker matches patterns from the context root; `ignore` applies them the same way for these explicit paths.
  const rules = fs.readFileSync(path.join(REPO, '.dockerignore'), 'utf8');
  const ig = (require('ignore') as () => { add(r: string): { ignores(p: string): boolean } })().add(rules);

  it('keeps state, keys, dependencies and build output out of the build context', () => {
    for (const p of [
      'var/demo/tokens/alpine',
      'var/certs/ca.key',
      'node_modules/zod/package.json',
      'coordinator/node_modules/x.js',
      'coordinator/dist/.tsbuildinfo',
      'coordinator/tsconfig.tsbuildinfo',
      'proto/dist/index.js',
      'deploy/certs/agents/baltic.key',
      '.syndicate-agent/identity.json',
    ])
      expect({ p, ignored: ig.ignores(p) }).toEqual({ p, ignored: true });
    // Docker's own matcher has no implicit **/: patterns meant for every depth must say so.
    for (const line of rules.split('\n').filter((l) => /^[^#!]/.test(l) && l.startsWith('*.')))
      expect(line).toBe(`**/${line}`);
  });

  it('keeps what the Dockerfiles copy', () => {
    for (const p of [
      'package.json',
      'package-lock.json',
      'coordinator/src/index.ts',
      'proto/syndicate/v1/participant.proto',
    ])
      expect({ p, ignored: ig.ignores(p) }).toEqual({ p, ignored: false });
  });
});

describe('deploy/README.md', () => {
  const guide = fs.readFileSync(path.join(DOCKER, '..', 'README.md'), 'utf8');

  it('walks an operator through install, provisioning, the agent behind a proxy, Prometheus, rotation, backup and upgrade', () => {
    const headings = [...guide.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    for (const topic of [
      /Install the coordinator with the chart/,
      /Provision a bank with a startup kit/,
      /Run the agent on-prem, behind a proxy/,
      /Watch it in Prometheus/,
      /Rotate certificates/,
      /Back up and restore/,
      /Upgrade/,
    ])
      expect(headings.some((h) => topic.test(h))).toBe(true);
    // It names what the compose file and charts actually use.
    expect(guide).toContain('--token-file');
    expect(guide).toContain('syndicate participant kit');
    expect(guide).toContain('syndicate certs issue');
    expect(guide).toContain('https_proxy');
    expect(guide).toContain('sslPassthrough');
    expect(guide).not.toMatch(/SYNDICATE_TOKEN_<BANK>|SYNDICATE_TOKEN_ALPINE/);
  });
});
