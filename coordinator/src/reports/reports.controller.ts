import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiDoc } from '../http/api-doc';
import { Roles } from '../http/roles';
import { evaluationListSchema, evaluationViewSchema } from '../evaluation/evaluation.responses';
import { SyndicateError } from '../common/syndicate-error';
import { EvaluationService, type EvaluationView } from '../evaluation/evaluation.service';
import { ChampionService } from '../evaluation/champion.service';
import { FederationsService } from '../federations/federations.service';
import { renderHtmlReport } from './html-report';
import { reportPlanSummary, reportSelection } from './report-data';
import { htmlReportSchema } from './reports.responses';

/** What data scientists and model-risk reviewers read: consortium metrics per model, and the report. */
@Controller('v1')
export class ReportsController {
  constructor(
    private readonly evaluation: EvaluationService,
    private readonly federations: FederationsService,
    private readonly champions: ChampionService,
  ) {}

  @Get('models/:id/evaluation')
  @Roles('admin', 'data-scientist', 'auditor')
  @ApiDoc({
    summary: "Read a model's federated evaluation",
    description:
      "The consortium's figures for a published model (AUC, KS, Gini, PR-AUC, Brier, log loss, calibration, ROC, PSI, fraud recall at alert budgets), computed from the sum of the members' encrypted score histograms: no bank's own figures. EVALUATION_NOT_FOUND for the initial model.",
    response: evaluationViewSchema,
  })
  async forModel(@Param('id') id: string): Promise<EvaluationView> {
    const ev = await this.evaluation.get(id);
    if (!ev)
      throw new SyndicateError(
        'NOT_FOUND',
        'EVALUATION_NOT_FOUND',
        `model ${id} has no federated evaluation (it does not exist, or is the initial model)`,
      );
    return this.evaluation.view(ev);
  }

  @Get('federations/:federationId/evaluations')
  @Roles('admin', 'data-scientist', 'auditor')
  @ApiDoc({
    summary: "List a federation's model evaluations",
    description: 'The federated evaluation of every published model by round: the learning curve of the consortium.',
    response: evaluationListSchema,
  })
  async list(@Param('federationId') federationId: string): Promise<EvaluationView[]> {
    await this.federations.entity(federationId);
    return this.evaluation.forFederation(federationId);
  }

  /** One self-contained HTML page (no external assets): learning curves, ROC, KS, calibration, per-round table. */
  @Get('federations/:federationId/report')
  @Roles('admin', 'data-scientist', 'auditor')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiDoc({
    summary: "Render the federation's model report as HTML",
    description:
      'One self-contained page (no external assets) for model-risk review: the plan, learning curves, ROC, KS, calibration and a per-round table, from the federated evaluations.',
    response: htmlReportSchema,
  })
  async report(@Param('federationId') federationId: string): Promise<string> {
    const federation = await this.federations.entity(federationId);
    const evaluations = await this.evaluation.forFederation(federationId);
    const done = evaluations.filter((e) => e.metrics);
    const selection = await this.champions.state(federationId);
    const champion = done.find((e) => e.roundNumber === selection.champion?.roundNumber);
    const served = champion ?? done[done.length - 1];
    return renderHtmlReport({
      federationName: federation.name,
      plan: reportPlanSummary(this.federations.plan(federation), federation.planSha256),
      generatedAt: new Date().toISOString(),
      rounds: evaluations.map((e) => ({
        number: e.roundNumber,
        contributors: e.contributors,
        metrics: e.metrics,
        test: e.test,
      })),
      final: served ? (served.test ?? served.metrics) : null,
      finalRows: served?.test ? 'test' : 'validation',
      selection: reportSelection(selection),
      bins: done.map((e) => e.bins),
    });
  }
}
