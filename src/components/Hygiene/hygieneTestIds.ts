/** Test ids of the hygiene report (the Hygiene page and the Service page's section). */
export const hygieneTestIds = {
  report: (scope: string) => `data-testid pivot-hygiene ${scope}`,
  loading: 'data-testid pivot-hygiene-loading',
  onDemand: 'data-testid pivot-hygiene-on-demand',
  finding: (index: number) => `data-testid pivot-hygiene-finding ${index}`,
  pillarProblem: (pillar: string) => `data-testid pivot-hygiene-problem ${pillar}`,
  fix: (index: number) => `data-testid pivot-hygiene-fix ${index}`,
  cost: 'data-testid pivot-hygiene-cost',
  seriesByService: 'data-testid pivot-hygiene-series-by-service',
};
