/**
 * @jest-environment node
 */
import fc from 'fast-check';

import { durationMs, HELP, parseArgs, parseUntil, UsageError } from './args';

const HOSTILE = [
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  '\u001b',
  '$',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  '.',
  '*',
  '+',
  '?',
  '|',
  '^',
  '`',
  "'",
  '=',
  ' ',
  '-',
  'a',
  '😀',
  '\u202e',
];
const serviceName = fc.oneof(
  fc.string({ unit: fc.constantFrom(...HOSTILE), minLength: 1, maxLength: 30 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 })
);

const PROM = ['--prometheus', 'http://127.0.0.1:9090'];

function usage(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseArgs(argv, env);
  } catch (error) {
    if (error instanceof UsageError) {
      return error.message;
    }
    throw error;
  }
  throw new Error(`no usage error for ${JSON.stringify(argv)}`);
}

describe('parseArgs', () => {
  it('takes every service name exactly as given, in both flag forms', () => {
    fc.assert(
      fc.property(serviceName, (service) => {
        const spaced = parseArgs(['--service', service, ...PROM]);
        const joined = parseArgs([`--service=${service}`, ...PROM]);
        expect([spaced.help || spaced.options.service, joined.help || joined.options.service]).toEqual([
          service,
          service,
        ]);
      })
    );
  });

  it('reads the defaults and every option', () => {
    const parsed = parseArgs([
      '--service',
      'payment',
      '--since',
      '1h30m',
      '--until',
      '2026-01-02T15:04:05Z',
      '--loki',
      'http://loki:3100/',
      '--tempo',
      'https://tempo.example.com/prefix/',
      '--json',
      '--lines',
      '3',
      '--timeout',
      '5',
      '--family',
      'http-semconv',
      '--metrics-service-label',
      'job',
      '--logs-service-label',
      'app',
      '--trace-id-in',
      'logfmt',
    ]);
    expect(parsed).toEqual({
      help: false,
      options: {
        service: 'payment',
        sinceText: '1h30m',
        sinceMs: 5_400_000,
        untilMs: Date.UTC(2026, 0, 2, 15, 4, 5),
        grafana: undefined,
        tokenEnv: 'GRAFANA_TOKEN',
        prometheus: undefined,
        loki: 'http://loki:3100',
        tempo: 'https://tempo.example.com/prefix',
        json: true,
        hygiene: false,
        links: undefined,
        timeoutMs: 5000,
        lines: 3,
        family: 'http-semconv',
        metricsServiceLabel: 'job',
        logsServiceLabel: 'app',
        traceIdIn: 'logfmt',
      },
    });
    const grafana = parseArgs(['--service', 'a', '--grafana', 'http://g:3000'], { GRAFANA_TOKEN: 't' });
    expect(grafana.help || [grafana.options.grafana, grafana.options.links, grafana.options.sinceMs]).toEqual([
      'http://g:3000',
      'http://g:3000',
      900_000,
    ]);
  });

  it('-h and --help win over everything else', () => {
    expect(parseArgs(['--help'])).toEqual({ help: true });
    expect(parseArgs(['--service', 'x', '-h'])).toEqual({ help: true });
    expect(HELP).toContain('Exit status:');
    expect(HELP).toMatch(/ {2}3 {2}a backend could not answer/);
  });

  it.each([
    [[...PROM], '--service <name> is required'],
    [['--hygiene', '--service', '', ...PROM], '--service takes a name; leave it out for every service'],
    [['--service', '', ...PROM], '--service <name> is required'],
    [['--service', 'x'], 'say where the data is'],
    [['--service', 'x', ...PROM, 'extra'], 'unexpected argument "extra"'],
    [['--service', 'x', ...PROM, '--bogus'], 'unknown option "--bogus"'],
    [['--service', 'x', ...PROM, '--service', 'y'], '--service is given twice'],
    [['--service', 'x', '--prometheus'], '--prometheus needs a value'],
    [['--service', 'x', '--prometheus', 'localhost:9090'], '--prometheus takes an http:// or https:// URL'],
    [['--service', 'x', '--prometheus', 'not a url'], '--prometheus takes a URL such as'],
    [['--service', 'x', '--prometheus', 'http://u:p@h:9090'], 'without query, fragment or credentials'],
    [['--service', 'x', ...PROM, '--since', '0m'], 'not a usable window'],
    [['--service', 'x', ...PROM, '--since', '15'], '--since takes a duration such as 15m'],
    [['--service', 'x', ...PROM, '--since', '$__range'], '--since takes a duration such as 15m'],
    [['--service', 'x', ...PROM, '--since', '1y'], 'use days or weeks'],
    [['--service', 'x', ...PROM, '--since', '1500ms'], 'give whole seconds'],
    [['--service', 'x', ...PROM, '--until', 'yesterday'], '--until takes now, an RFC 3339 time'],
    [['--service', 'x', ...PROM, '--lines', '0'], '--lines takes a whole number from 1 to 1000'],
    [['--service', 'x', ...PROM, '--timeout', '1.5'], '--timeout takes a whole number from 1 to 600'],
    [['--service', 'x', ...PROM, '--family', 'zipkin'], '--family is auto or one of tempo-spanmetrics'],
    [['--service', 'x', ...PROM, '--trace-id-in', 'body'], '--trace-id-in is structured-metadata, logfmt or json'],
    [['--service', 'x', ...PROM, '--logs-service-label', 'service.name'], 'is not a label name'],
    [['--service', 'x', ...PROM, '--token-env', 'T'], '--token-env goes with --grafana'],
    [['--service', 'x', ...PROM, '--grafana', 'http://g'], '--grafana and --prometheus exclude each other'],
    [['--service', 'x', '--grafana', 'http://g'], 'token in the environment variable GRAFANA_TOKEN'],
    [
      ['--service', 'x', '--grafana', 'http://g', '--token-env', 'A B'],
      '--token-env takes an environment variable name',
    ],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(usage(argv)).toContain(message);
  });

  it('quotes a hostile value in its usage error, on one line', () => {
    fc.assert(
      fc.property(serviceName, (value) => {
        const message = usage(['--service', 'x', ...PROM, '--since', `${value}!`]);
        expect(message).toBe(`--since takes a duration such as 15m, 1h or 1h30m, got ${JSON.stringify(`${value}!`)}`);
      })
    );
  });
});

describe('durations and times', () => {
  it('reads PromQL durations', () => {
    expect([durationMs('15m'), durationMs('1h30m'), durationMs('90s'), durationMs('2d'), durationMs('1w')]).toEqual([
      900_000, 5_400_000, 90_000, 172_800_000, 604_800_000,
    ]);
  });

  it('reads now, Unix seconds and RFC 3339', () => {
    expect(parseUntil('now')).toBeUndefined();
    expect(parseUntil('1700000000')).toBe(1_700_000_000_000);
    expect(parseUntil('1700000000.5')).toBe(1_700_000_000_500);
    expect(parseUntil('2026-01-02T15:04:05+01:00')).toBe(Date.UTC(2026, 0, 2, 14, 4, 5));
  });
});

describe('--hygiene', () => {
  it('makes --service optional (every service) and keeps it when given', () => {
    expect(parseArgs(['--hygiene', ...PROM])).toMatchObject({ help: false, options: { hygiene: true, service: '' } });
    expect(parseArgs(['--hygiene', '--service', 'shop', ...PROM])).toMatchObject({
      options: { hygiene: true, service: 'shop' },
    });
    expect(parseArgs(['--service', 'shop', ...PROM])).toMatchObject({ options: { hygiene: false } });
    expect(HELP).toContain('--hygiene');
  });
});
