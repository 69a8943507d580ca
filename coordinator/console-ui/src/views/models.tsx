import { calibrationChart, ksChart, learningCurveChart, rocChart } from '../../../src/reports/report-charts';
import { fixed, integer, percent, when } from '../format';
import type { ConsoleCapability, EvaluationView, ModelView } from '../types';
import { ErrorBox, Show, useGet } from '../ui';
import { WithFederation } from './federation-picker';

export function Models({
  federationId,
  modelId,
  can,
}: {
  federationId?: string;
  modelId?: string;
  can: (c: ConsoleCapability) => boolean;
}) {
  return (
    <>
      <h1>Models</h1>
      <WithFederation view="models" federationId={federationId}>
        {(f) => <ModelList key={f.id} federationId={f.id} modelId={modelId} can={can} />}
      </WithFederation>
    </>
  );
}

function ModelList({
  federationId,
  modelId,
  can,
}: {
  federationId: string;
  modelId?: string;
  can: (c: ConsoleCapability) => boolean;
}) {
  const models = useGet<ModelView[]>(`/v1/federations/${federationId}/models`);
  const evaluations = useGet<EvaluationView[]>(
    can('models.evaluation') ? `/v1/federations/${federationId}/evaluations` : null,
  );
  // The champion (chosen on federated validation rows) is what every command serves by default: show it first.
  const selection = useGet<{ championModel: ModelView | null }>(`/v1/federations/${federationId}/selection`);
  const championId = selection.data?.championModel?.id;
  return (
    <Show of={models}>
      {(ms) => {
        const chosen = ms.find((m) => m.id === modelId) ?? ms.find((m) => m.id === championId) ?? ms[ms.length - 1];
        return (
          <>
            <div class="table-wrap">
              <table>
                <caption>Versions and lineage (newest last; the champion is served by default)</caption>
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">Round</th>
                    <th scope="col">Contributors</th>
                    <th scope="col">Parameters</th>
                    <th scope="col">Key epoch</th>
                    <th scope="col">Published</th>
                    <th scope="col">Weights SHA-256</th>
                  </tr>
                </thead>
                <tbody>
                  {ms.map((m) => (
                    <tr key={m.id} class={m.id === chosen?.id ? 'chosen' : undefined}>
                      <td>
                        <a
                          href={`#/models/${federationId}/${m.id}`}
                          aria-current={m.id === chosen?.id ? 'true' : undefined}
                        >
                          {m.roundNumber === 0 ? 'initial' : m.id}
                        </a>
                        {m.id === championId && <span class="badge"> champion</span>}
                      </td>
                      <td>{m.roundNumber}</td>
                      <td>{integer(m.contributors)}</td>
                      <td>{integer(m.numParams)}</td>
                      <td>{m.keyEpoch ? `sealed, epoch ${m.keyEpoch}` : (m.roundKeyEpoch ?? '—')}</td>
                      <td>{when(m.createdAt)}</td>
                      <td>
                        <code>{m.sha256.slice(0, 12)}…</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {evaluations.data && <LearningCurves evaluations={evaluations.data} />}
            <ErrorBox error={evaluations.error} />
            {chosen && <ModelPage key={chosen.id} model={chosen} can={can} />}
          </>
        );
      }}
    </Show>
  );
}

function Chart({ svg }: { svg: string }) {
  // The HTML report's own SVG, built from numbers the API returned (escaped by svg-plot), never from markup it sent.
  return <figure class="chart-box" dangerouslySetInnerHTML={{ __html: svg }} />;
}

function LearningCurves({ evaluations }: { evaluations: EvaluationView[] }) {
  const rounds = evaluations.map((e) => ({ number: e.roundNumber, contributors: e.contributors, metrics: e.metrics }));
  if (!rounds.some((r) => r.metrics)) return null;
  return (
    <section aria-labelledby="curves-title">
      <h2 id="curves-title">Learning curves</h2>
      <Chart svg={learningCurveChart(rounds)} />
    </section>
  );
}

function ModelPage({ model, can }: { model: ModelView; can: (c: ConsoleCapability) => boolean }) {
  const evaluation = useGet<EvaluationView>(
    can('models.evaluation') && model.roundNumber > 0 ? `/v1/models/${model.id}/evaluation` : null,
  );
  const exportBase = `/v1/models/${model.id}/export`;
  return (
    <section aria-labelledby="model-title">
      <h2 id="model-title">
        Model of round {model.roundNumber} <code class="muted">{model.id}</code>
      </h2>
      {can('models.export') && (
        <p class="downloads">
          Download:{' '}
          {model.keyEpoch ? (
            <span class="muted">
              sealed under key epoch {model.keyEpoch}: only members can decrypt it (
              <code>syndicate-agent model pull</code>)
            </span>
          ) : (
            <>
              <a href={`${exportBase}/weights.json`} download={`${model.id}-weights.json`}>
                weights (JSON)
              </a>{' '}
              ·{' '}
              <a href={`${exportBase}/tfjs/model.json`} download={`${model.id}-model.json`}>
                TensorFlow.js model.json
              </a>{' '}
              ·{' '}
              <a href={`${exportBase}/scorecard.json`} download={`${model.id}-scorecard.json`}>
                scorecard
              </a>
            </>
          )}
        </p>
      )}
      {evaluation.error ? <ErrorBox error={evaluation.error} /> : null}
      {evaluation.data?.metrics && <Metrics ev={evaluation.data} />}
      {evaluation.data && !evaluation.data.metrics && (
        <p class="muted">
          Federated evaluation {evaluation.data.state}
          {evaluation.data.failureReason ? `: ${evaluation.data.failureReason}` : ''}.
        </p>
      )}
    </section>
  );
}

function Metrics({ ev }: { ev: EvaluationView }) {
  const m = ev.metrics!;
  const kpis: [string, string][] = [
    ['ROC AUC', fixed(m.rocAuc)],
    ['KS', fixed(m.ks)],
    ['Gini', fixed(m.gini)],
    ['PR AUC', fixed(m.prAuc)],
    ['Brier', fixed(m.brier, 4)],
    ['PSI', fixed(m.psi)],
    ['Examples', integer(m.numExamples)],
    ['Positive rate', percent(m.numExamples ? m.positives / m.numExamples : null)],
  ];
  return (
    <>
      <dl class="kpis">
        {kpis.map(([k, v]) => (
          <div class="kpi" key={k}>
            <dt class="label">{k}</dt>
            <dd class="value">{v}</dd>
          </div>
        ))}
      </dl>
      <p class="muted">
        From {ev.contributors} banks' encrypted score histograms ({ev.bins} bins), confirmed by {ev.confirmations};
        completed {when(ev.completedAt)}.
      </p>
      <div class="charts">
        <Chart svg={rocChart(m)} />
        <Chart svg={ksChart(m)} />
        <Chart svg={calibrationChart(m)} />
      </div>
    </>
  );
}
