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
    // The gRPC port speaks TLS: nginx must talk TLS to it (issue 18: plain GRPC could never work).
    expect(values.ingress.annotations['nginx.ingress.kubernetes.io/backend-protocol']).toBe('GRPCS');
    expect(t['deployment.yaml']).toMatch(/path: \/readyz/);
  });
});

describe('coordinator chart: ingress, mutual TLS, metrics', () => {
  const t = templates('syndicate-coordinator');
  const valuesText = fs.readFileSync(path.join(HELM, 'syndicate-coordinator', 'values.yaml'), 'utf8');
  const values = parseYaml(valuesText) as {
    ingress: { sslPassthrough: boolean };
    metrics: { port: number; serviceMonitor: { enabled: boolean } };
  };

  it('documents TLS passthrough for mutual TLS and renders it when asked', () => {
    expect(values.ingress.sslPassthrough).toBe(false);
    expect(valuesText).toMatch(/--enable-ssl-passthrough/);
    expect(t['ingress.yaml']).toMatch(
      /\{\{- if \.Values\.ingress\.sslPassthrough \}\}\s+#[^\n]*\n\s+nginx\.ingress\.kubernetes\.io\/ssl-passthrough: "true"/,
    );
    // Under passthrough nginx holds no certificate: the tls block must be skipped.
    expect(t['ingress.yaml']).toMatch(/if and \.Values\.tls\.enabled \(not \.Values\.ingress\.sslPassthrough\)/);
  });

  it('has no comment contradicting the guide (every replica is Ready)', () => {
    expect(valuesText).not.toMatch(/only the leader is Ready/);
    expect(valuesText).toMatch(/Every replica is Ready/);
  });

  it('has a ServiceMonitor, off by default, scraping the plain-HTTP metrics port', () => {
    expect(values.metrics.serviceMonitor.enabled).toBe(false);
    expect(values.metrics.port).toBeGreaterThan(0);
    const sm = t['servicemonitor.yaml'];
    expect(sm).toMatch(/^\{\{- if \.Values\.metrics\.serviceMonitor\.enabled \}\}/);
    expect(sm).toMatch(/kind: ServiceMonitor/);
    expect(sm).toMatch(/- port: metrics\n\s+path: \/metrics\n\s+scheme: http/);
    expect(t['service.yaml']).toMatch(/name: metrics, port: \{\{ \.Values\.metrics\.port \}\}/);
    expect(t['deployment.yaml']).toMatch(/name: metrics, containerPort: \{\{ \.Values\.metrics\.port \}\}/);
    expect(t['configmap.yaml']).toMatch(/metricsPort: \{\{ \.Values\.metrics\.port \}\}/);
  });
});

describe('agent chart specifics', () => {
  const t = templates('syndicate-agent')['statefulset.yaml'];

  it('lets the kubelet change ownership only on mismatch', () => {
    expect(t).toMatch(/fsGroup: 1000\n(\s+#.*\n)*\s+fsGroupChangePolicy: OnRootMismatch/);
  });

  it('reads the enrollment token from a mounted Secret file, never from args or env', () => {
    expect(t).toMatch(/- --token-file=\/etc\/syndicate\/enrollment\/\{\{ \.Values\.enrollment\.key \}\}/);
    expect(t).not.toMatch(/--token=/);
    expect(t).not.toMatch(/SYNDICATE_ENROLLMENT_TOKEN/);
    expect(t).toMatch(/name: enrollment, mountPath: \/etc\/syndicate\/enrollment, readOnly: true/);
    expect(t).toMatch(/secret: \{ secretName: \{\{ \.Values\.enrollment\.existingSecret \}\}/);
  });

  it('passes the bank proxy to grpc-js as https_proxy', () => {
    expect(t).toMatch(/name: https_proxy/);
  });
});
