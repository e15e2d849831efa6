/**
 * `pivot investigate --hygiene`: the Hygiene page's report in a terminal (docs/hygiene.md,
 * docs/investigate-cli.md). The evidence is gathered by `collectHygieneEvidence` and judged by
 * `hygieneReport`, as the page does; only the transport is the CLI's: a `ProbeClient` that sends
 * the page's Grafana requests to Grafana with the token, or one that turns them into the
 * backends' own HTTP APIs (a data source resource path `/api/datasources/uid/<uid>/resources/<path>`
 * becomes `<backend URL>/<path>`, Loki's under `/loki/api/v1/`; the Loki `/api/ds/query` becomes a
 * `query_range` read back into Grafana's log frame). A finding shows a mask, never a value.
 */
import { hygieneReport, hygieneText, type HygieneReport } from '../analysis/hygiene/findings';
import {
  collectHygieneEvidence,
  defaultMetricServiceLabel,
  type HygieneCost,
  type HygieneTargets,
} from '../datasources/hygieneQueries';
import type { DataSourceSummary } from '../datasources/lookup';
import type { ProbeClient, ProbeRequest } from '../datasources/probes';
import { Pillar, PivotSettings, settingsProblems } from '../settings';
import { lokiLines } from './answers';
import { grafanaDataSource, type DirectUrls, type GrafanaOptions } from './backends';
import { getJson } from './http';
import { printable, terminalJson, time } from './render';

export interface HygieneRun {
  /** The service looked at; undefined for every service. */
  service?: string;
  window: { fromMs: number; toMs: number; since: string };
  sources: Partial<Record<Pillar, string>>;
  report: HygieneReport;
  cost: HygieneCost;
}

const RESOURCE = /^\/api\/datasources\/uid\/([^/]+)\/resources\/(.*)$/s;

/** The Hygiene page's requests sent to Grafana, with the token; a failed Loki query's 400 body is read as an answer. */
export function grafanaProbeClient(options: GrafanaOptions): ProbeClient {
  return {
    request: async (req: ProbeRequest) => {
      const { body } = await getJson(
        {
          backend: 'Grafana',
          url: `${options.url}${req.url}`,
          method: req.method,
          headers: { Authorization: `Bearer ${options.token}` },
          body: req.data,
          timeoutMs: options.timeoutMs,
        },
        req.url === '/api/ds/query' ? [207, 400, 500] : []
      );
      return body;
    },
  };
}

/** The uids the direct client gives each backend (they only route requests; nothing shows them). */
const DIRECT_UIDS: Record<Pillar, string> = { prometheus: 'prometheus', loki: 'loki', tempo: 'tempo' };

interface LokiRangeQuery {
  refId: string;
  expr: string;
  maxLines: number;
  direction: string;
}

/** The Hygiene page's requests answered by the backends' HTTP APIs, as Grafana would answer them. */
export function directProbeClient(urls: DirectUrls): ProbeClient {
  const { timeoutMs } = urls;
  const get = async (backend: string, url: string) => (await getJson({ backend, url, timeoutMs })).body;
  return {
    request: async (req: ProbeRequest) => {
      if (req.url === '/api/ds/query') {
        const body = req.data as { queries: LokiRangeQuery[]; from: string; to: string };
        const query = body.queries[0];
        if (!urls.loki) {
          throw new Error('no Loki to ask (give --loki <url>)');
        }
        const params = new URLSearchParams({
          query: query.expr,
          start: `${body.from}000000`,
          end: `${body.to}000000`,
          limit: String(query.maxLines),
          direction: query.direction,
        });
        const lines = lokiLines(
          await get('Loki', `${urls.loki}/loki/api/v1/query_range?${params.toString()}`),
          query.expr
        );
        const frame = {
          schema: {
            fields: [
              { name: 'labels', type: 'other' },
              { name: 'Time', type: 'time' },
              { name: 'Line', type: 'string' },
            ],
          },
          data: { values: [lines.map((l) => l.labels), lines.map((l) => l.timeMs), lines.map((l) => l.line)] },
        };
        return { results: { [query.refId]: { frames: [frame] } } };
      }
      const match = RESOURCE.exec(req.url);
      if (!match) {
        throw new Error(`not a data source resource path: ${req.url}`);
      }
      const uid = decodeURIComponent(match[1]);
      const rest = match[2];
      if (uid === DIRECT_UIDS.prometheus && urls.prometheus) {
        return get('Prometheus', `${urls.prometheus}/${rest}`);
      }
      if (uid === DIRECT_UIDS.loki && urls.loki) {
        return get('Loki', `${urls.loki}/loki/api/v1/${rest}`);
      }
      if (uid === DIRECT_UIDS.tempo && urls.tempo) {
        return get('Tempo', `${urls.tempo}/${rest}`);
      }
      throw new Error(`no backend for data source ${uid}`);
    },
  };
}

const TITLES: Record<Pillar, string> = { prometheus: 'Prometheus', loki: 'Loki', tempo: 'Tempo' };

/**
 * The pillars to check and their service labels, as the Hygiene page takes them from Pivot's
 * settings: through Grafana every pillar's data source (saved, else provisioned); straight to the
 * backends those with a URL, the others not checked and saying how to give one.
 */
export function hygieneTargetsFor(
  settings: PivotSettings,
  reach: { grafana: true } | { grafana: false; urls: DirectUrls }
): HygieneTargets {
  const problems = settingsProblems(settings);
  const ds = (pillar: Pillar): DataSourceSummary | { problem: string } => {
    if (!reach.grafana && !reach.urls[pillar]) {
      return { problem: `no ${TITLES[pillar]} to ask (give --${pillar} <url>)` };
    }
    const problem = pillar === 'tempo' ? undefined : problems[pillar];
    if (problem) {
      return { problem };
    }
    if (!reach.grafana) {
      return { uid: DIRECT_UIDS[pillar], name: TITLES[pillar], type: pillar };
    }
    const { uid, type } = grafanaDataSource(settings, pillar);
    return { uid, name: uid, type };
  };
  const prometheus = ds('prometheus');
  const loki = ds('loki');
  const tempo = ds('tempo');
  return {
    prometheus:
      'problem' in prometheus
        ? prometheus
        : { ds: prometheus, serviceLabel: defaultMetricServiceLabel(settings.metrics.serviceLabel) },
    loki: 'problem' in loki ? loki : { ds: loki, serviceLabel: settings.logs.serviceLabel },
    tempo: 'problem' in tempo ? tempo : { ds: tempo },
  };
}

export async function runHygiene(input: {
  client: ProbeClient;
  targets: HygieneTargets;
  service?: string;
  since: string;
  sinceMs: number;
  untilMs: number;
  sources: Partial<Record<Pillar, string>>;
}): Promise<HygieneRun> {
  const window = { fromMs: input.untilMs - input.sinceMs, toMs: input.untilMs };
  const { evidence, cost } = await collectHygieneEvidence(input.client, input.targets, {
    ...window,
    service: input.service,
  });
  return {
    service: input.service,
    window: { ...window, since: input.since },
    sources: input.sources,
    report: hygieneReport(evidence),
    cost,
  };
}

/** 1 with a finding, else 3 when a pillar could not answer, else 0 (docs/investigate-cli.md). */
export function hygieneExitCode(report: HygieneReport): 0 | 1 | 3 {
  if (report.findings.length > 0) {
    return 1;
  }
  return Object.values(report.pillars).some((p) => p.state === 'error') ? 3 : 0;
}

// C0 controls but the line feed, DEL, C1 controls, line and paragraph separators, bidirectional marks and overrides.
const TERMINAL_ACTS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every character a terminal would act on (but line ends) written as `\uXXXX`. */
function terminalSafe(text: string): string {
  return text.replace(TERMINAL_ACTS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function renderHygieneText(run: HygieneRun): string {
  const what = run.service === undefined ? 'every service' : `service ${printable(run.service)}`;
  const checked = (Object.keys(run.report.pillars) as Pillar[]).filter((p) => run.report.pillars[p].state === 'ok');
  const header = [
    `Telemetry hygiene of ${what}: ${run.window.since} from ${time(run.window.fromMs)} to ${time(run.window.toMs)}`,
    `checked: ${checked.length > 0 ? checked.map((p) => TITLES[p]).join(', ') : 'nothing'} (${run.cost.requests} requests); examples are masked, never values`,
    '',
  ];
  return terminalSafe(`${header.join('\n')}\n${hygieneText(run.report)}`);
}

/** The JSON of `--hygiene --json`: the report as the app makes it (masked examples only), with the exit status. */
export function renderHygieneJson(run: HygieneRun, exitCode: number): string {
  return `${terminalJson(JSON.stringify({ ...run, exitCode }, null, 2))}\n`;
}
