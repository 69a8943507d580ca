import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';

const HELM = path.join(__dirname, '..', '..', '..', 'deploy', 'helm');

/** Templated YAML cannot be parsed before Helm renders it; these read the templates as text. */
const templates = (chart: string) =>
  Object.fromEntries(
    fs
      .readdirSync(path.join(HELM, chart, 'templates'))
      .map((f) => [f, fs.readFileSync(path.join(HELM, chart, 'templates', f), 'utf8')]),
  );

/** No `helm` binary can be installed here: values are validated as Helm would, and templates checked for the essentials. */
describe.each(['syndicate-coordinator', 'syndicate-agent'])('chart %s', (chart) => {
  const dir = path.join(HELM, chart);
  const schema = JSON.parse(fs.readFileSync(path.join(dir, 'values.schema.json'), 'utf8')) as object;
  const valuesText = fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8');
  const values = parseYaml(valuesText) as Record<string, unknown>;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const all = Object.values(templates(chart)).join('\n');

  it('has a Chart.yaml and commented values that satisfy values.schema.json', () => {
    expect(parseYaml(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'))).toMatchObject({
      apiVersion: 'v2',
      name: chart,
    });
    expect(valuesText.split('\n').filter((l) => l.trim().startsWith('#')).length).toBeGreaterThan(3);
    expect(validate(values)).toBe(true);
  });

  it('schema refuses what it should (a latest tag, an unknown setting)', () => {
    const image = values.image as Record<string, unknown>;
    expect(validate({ ...values, image: { ...image, tag: 'latest' } })).toBe(false);
    expect(validate({ ...values, surprise: true })).toBe(false);
  });

  it('runs non-root with resources and probes', () => {
    expect(all).toMatch(/runAsNonRoot: true/);
    expect(all).toMatch(/allowPrivilegeEscalation: false/);
    expect(all).toMatch(/readOnlyRootFilesystem: true/);
    expect(all).toMatch(/resources: \{\{- toYaml \.Values\.resources/);
    expect(all).toMatch(/livenessProbe:/);
    expect(all).toMatch(/readinessProbe:/);
  });

  it('keeps secrets out of ConfigMaps and takes them from existing Secrets', () => {
    for (const [file, text] of Object.entries(templates(chart))) {
      if (/kind: ConfigMap/.test(text))
        expect({
          file,
          secretish: /DATABASE_URL|password|token|secretKeyRef|\.Values\.(database|enrollment)/i.test(text),
        }).toEqual({ file, secretish: false });
    }
    expect(all).toMatch(/secretKeyRef:/);
  });
});

describe('coordinator chart specifics', () => {
  const t = templates('syndicate-coordinator');
  it('has two replicas by default, a PodDisruptionBudget, a gRPC-aware Service and optional Ingress', () => {
    const values = parseYaml(fs.readFileSync(path.join(HELM, 'syndicate-coordinator', 'values.yaml'), 'utf8')) as {
      replicaCount: number;
      ingress: { annotations: Record<string, string> };
    };
    expect(values.replicaCount).toBe(2);
    expect(t['pdb.yaml']).toMatch(/kind: PodDisruptionBudget/);
    expect(t['service.yaml']).toMatch(/appProtocol: grpc/);
    expect(t['ingress.yaml']).toMatch(/\{\{- if \.Values\.ingress\.enabled \}\}/);
    expect(values.ingress.annotations['nginx.ingress.kubernetes.io/backend-protocol']).toBe('GRPC');
    expect(t['deployment.yaml']).toMatch(/path: \/readyz/);
  });
});
