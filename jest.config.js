// Force the UTC timezone so time formatting in tests does not depend on the machine.
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');

module.exports = {
  ...base,
  // jsdom with a memoised style cascade: see the comment at the top of jest-environment.js.
  testEnvironment: '<rootDir>/jest-environment.js',
  testMatch: ['<rootDir>/{src,scripts,stack,deploy}/**/*.test.{ts,tsx}'],
  transform: {
    ...base.transform,
    // d3 and other Grafana dependencies ship .mjs files that jest cannot load untransformed.
    '^.+\\.mjs$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [
    require('./.config/jest/utils').nodeModulesToTransform([
      ...require('./.config/jest/utils').grafanaESModules,
      '@lezer',
      '@prometheus-io',
      '@grafana/lezer-logql',
      '@grafana/lezer-traceql',
      'yaml',
    ]),
  ],
  // Integration tests start real processes (Prometheus); give them room on a 2-core machine.
  testTimeout: 30000,
};
