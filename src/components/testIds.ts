/** Test ids shared by unit tests and the Playwright specs. */
export const testIds = {
  appConfig: {
    container: 'data-testid pivot-config',
    save: 'data-testid pivot-config-save',
    check: 'data-testid pivot-config-check',
  },
  states: {
    notAvailable: 'data-testid pivot-not-available',
    problem: 'data-testid pivot-problem',
    empty: 'data-testid pivot-empty',
  },
};
