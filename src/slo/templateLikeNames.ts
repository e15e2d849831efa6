/**
 * Test fixture: service names, label values and Grafana URLs that Go's text/template would
 * read as template syntax, for the rules tests under promtool and a real Prometheus. Each must
 * reach the firing alert's labels and annotations exactly as written.
 */
import type { SloDefinition } from './definition';

export const TEMPLATE_LIKE = [
  '{{',
  '}}',
  '{{ . }}',
  '{{ range query "up" }}{{ .Labels.instance }}{{ end }}',
  'checkout{{ range query "up" }}{{ .Labels.instance }}{{ end }}',
  '{{/* x */}}',
  '$labels',
  '{{ $labels.job }}',
  '{{ "a" }}',
  '{{- "trim" -}}',
  'ends in {',
  '} {',
  'quote " backslash \\ newline \n tab \t',
  'ünïcode 😀 %s',
];

/** One SLO per name: the name as the service and a label value, in a Grafana URL (no spaces: URLs have none). */
export function templateLikeSlos(): Array<{ slo: SloDefinition; grafanaUrl: string }> {
  return TEMPLATE_LIKE.map((text, i) => ({
    slo: {
      name: `template-${i}`,
      service: text,
      sli: { type: 'availability' },
      objective: 99.9,
      period: '30d',
      labels: { team: text },
    },
    grafanaUrl: `https://grafana.example.com/${text.replace(/\s/g, '')}`,
  }));
}
