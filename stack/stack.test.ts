/**
 * @jest-environment node
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import fc from 'fast-check';
import { collectorProblems, memoryMiB, SAMPLED_TRACES_PROCESSORS } from './collectorRules';
import { applyReplacements, parseReplacePattern } from './ottlReplace';
import {
  at,
  collectorPipelines,
  isPinnedImage,
  readYaml,
  readYamlDocuments,
  resolveDefaults,
  ROOT,
  Yaml,
} from './yamlFiles';
import { describeWithPrometheus } from '../src/testing/describeWithPrometheus';

const compose = readYaml('docker-compose.yaml');
const services = compose.services as Record<string, Yaml>;
const collector = readYaml('stack/otel-collector/config.yaml');

describe('docker-compose.yaml', () => {
  it('pins every image to a released tag, never latest', () => {
    const images = Object.entries(services).map(([name, s]) => [name, s.image] as const);
    expect(images.length).toBeGreaterThan(8);
    for (const [name, image] of images) {
      expect({ name, pinned: typeof image === 'string' && isPinnedImage(image) }).toEqual({ name, pinned: true });
    }
    const froms = readFileSync(join(ROOT, 'demo/Dockerfile'), 'utf8')
      .split('\n')
      .filter((l) => /^FROM /i.test(l))
      .map((l) => l.split(/\s+/)[1]);
    expect(froms.length).toBeGreaterThan(0);
    for (const from of froms) {
      expect({ from, pinned: isPinnedImage(from) }).toEqual({ from, pinned: true });
    }
  });

  it('recognises unpinned images', () => {
    expect(isPinnedImage('grafana/grafana')).toBe(false);
    expect(isPinnedImage('grafana/grafana:latest')).toBe(false);
    expect(isPinnedImage('grafana/grafana:${GRAFANA_VERSION:-latest}')).toBe(false);
    expect(isPinnedImage('localhost:5000/grafana')).toBe(false);
    expect(isPinnedImage('grafana/grafana:${GRAFANA_VERSION:-12.4.0}')).toBe(true);
  });

  it('runs Grafana 11.6 or newer with the plugin from dist/, the provisioning, and anonymous Viewer access only', () => {
    const grafana = services.grafana;
    const version = resolveDefaults(String(grafana.image)).split(':')[1];
    const [major, minor] = version.split('.').map(Number);
    expect(major > 11 || (major === 11 && minor >= 6)).toBe(true);
    expect(grafana.volumes).toEqual(
      expect.arrayContaining([
        './dist:/var/lib/grafana/plugins/pivot-correlation-app:ro',
        './provisioning:/etc/grafana/provisioning:ro',
      ])
    );
    const env = grafana.environment as Record<string, string>;
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    expect(env.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
    expect(env.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe('pivot-correlation-app');
  });

  it('mounts only files that exist in the repository (dist/ is built by npm run server)', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const volume of (s.volumes as string[] | undefined) ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('./') && source !== './dist') {
          expect({ name, source, exists: existsSync(join(ROOT, source)) }).toEqual({ name, source, exists: true });
        }
      }
    }
  });

  it('starts every demo service from the demo image with the collector as OTLP endpoint', () => {
    const demo = ['queue', 'storefront', 'checkout', 'payment', 'inventory', 'fulfilment', 'loadgen'];
    for (const name of demo) {
      const s = services[name];
      expect(s.build).toBe('./demo');
      expect(s.command).toEqual([name]);
      expect((s.environment as Record<string, string>).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
      // docs/local-stack.md#faults-chosen-at-start: hygiene on, the bad inventory release opt-in.
      expect((s.environment as Record<string, string>).FAULT_TELEMETRY_HYGIENE).toBe('on');
      expect((s.environment as Record<string, string>).FAULT_INVENTORY_VERSION).toBe('${FAULT_INVENTORY_VERSION:-}');
    }
    // Bounded load: the generator's rate is explicit and under its cap.
    expect(Number((services.loadgen.environment as Record<string, string>).LOADGEN_RATE)).toBeLessThanOrEqual(20);
  });

  it('binds every published port to 127.0.0.1, never to the network', () => {
    const published = Object.entries(services).flatMap(([name, s]) =>
      ((s.ports as Array<string | number | Yaml> | undefined) ?? []).map((port) => ({ name, port }))
    );
    expect(published.map((p) => p.name)).toEqual(
      expect.arrayContaining(['grafana', 'otel-collector', 'prometheus', 'loki', 'tempo', 'storefront'])
    );
    for (const { name, port } of published) {
      // Short syntax is [HOST_IP:]HOST_PORT:CONTAINER_PORT; long syntax names host_ip.
      const hostIp = typeof port === 'object' ? port.host_ip : String(port).split(':').slice(0, -2).join(':');
      expect({ name, port, hostIp }).toEqual({ name, port, hostIp: '127.0.0.1' });
    }
    for (const [name, s] of Object.entries(services)) {
      // Host networking would publish every port the container opens, on every interface.
      expect({ name, networkMode: s.network_mode }).toEqual({ name, networkMode: undefined });
    }
  });

  it('gives Prometheus the remote-write receiver and exemplar storage the collector and Tempo need', () => {
    const args = services.prometheus.command as string[];
    expect(args).toEqual(
      expect.arrayContaining(['--web.enable-remote-write-receiver', '--enable-feature=exemplar-storage'])
    );
    expect(args).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(services.prometheus.volumes).toContain('./stack/prometheus:/etc/prometheus:ro');
  });
});

describe('OpenTelemetry Collector config', () => {
  it('has well-formed pipelines: memory_limiter first, batch last, scrubbing before sampling, every component used', () => {
    expect(collectorProblems(collector)).toEqual([]);
  });

  it('catches a pipeline in the typical starter-template order (batch first, scrubbing after sampling)', () => {
    const broken = JSON.parse(JSON.stringify(collector)) as Yaml;
    (at(broken, 'service', 'pipelines', 'traces') as Yaml).processors = [
      'batch',
      'memory_limiter',
      'tail_sampling',
      'attributes/pii',
      'redaction',
    ];
    expect(collectorProblems(broken)).toEqual(
      expect.arrayContaining([
        'traces: memory_limiter must be the first processor, not batch',
        'traces: batch must be the last processor',
        'traces: attributes must run before tail_sampling',
      ])
    );
  });

  it('scrubs PII from traces and logs and samples traces by errors, latency and a share', () => {
    const pipelines = collectorPipelines(collector);
    expect(pipelines.traces.processors).toEqual(SAMPLED_TRACES_PROCESSORS);
    expect(pipelines.logs.processors).toEqual([
      'memory_limiter',
      'attributes/pii',
      'transform/pii',
      'redaction',
      'batch',
    ]);

    const actions = at(collector, 'processors', 'attributes/pii', 'actions') as Array<Record<string, string>>;
    const action = (key: string) => actions.find((a) => a.key === key)?.action;
    expect(action('http.user_agent')).toBe('delete');
    expect(action('user_agent.original')).toBe('delete');
    expect(action('user.email')).toBe('update');
    expect(action('user.phone')).toBe('update');
    const headerPattern = new RegExp(actions.find((a) => a.pattern)?.pattern ?? '^$');
    expect(headerPattern.test('http.request.header.authorization')).toBe(true);
    expect(headerPattern.test('http.request.header.accept')).toBe(false);

    const policies = at(collector, 'processors', 'tail_sampling', 'policies') as Yaml[];
    expect(policies.map((p) => p.type).sort()).toEqual(['latency', 'probabilistic', 'status_code']);
    expect(
      at(
        policies.find((p) => p.type === 'status_code'),
        'status_code',
        'status_codes'
      )
    ).toEqual(['ERROR']);
    expect(
      at(
        policies.find((p) => p.type === 'latency'),
        'latency',
        'threshold_ms'
      )
    ).toBe(500);
    const share = Number(
      at(
        policies.find((p) => p.type === 'probabilistic'),
        'probabilistic',
        'sampling_percentage'
      )
    );
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(100);
  });

  it('computes span metrics from every span, before tail sampling', () => {
    const pipelines = collectorPipelines(collector);
    const feeding = Object.entries(pipelines).filter(([, p]) => p.exporters.includes('spanmetrics'));
    expect(feeding).toHaveLength(1);
    expect(feeding[0][1].processors).not.toContain('tail_sampling');
    expect(pipelines.metrics.receivers).toContain('spanmetrics');
    expect(at(collector, 'connectors', 'spanmetrics', 'exemplars', 'enabled')).toBe(true);
  });

  it('sends traces to Tempo over OTLP, logs to Loki over OTLP, metrics to Prometheus by remote write', () => {
    const pipelines = collectorPipelines(collector);
    expect(pipelines.traces.exporters).toEqual(['otlp/tempo']);
    expect(at(collector, 'exporters', 'otlp/tempo', 'endpoint')).toBe('tempo:4317');
    expect(pipelines.logs.exporters).toEqual(['otlphttp/loki']);
    expect(at(collector, 'exporters', 'otlphttp/loki', 'endpoint')).toBe('http://loki:3100/otlp');
    expect(pipelines.metrics.exporters).toEqual(['prometheusremotewrite']);
    expect(at(collector, 'exporters', 'prometheusremotewrite', 'endpoint')).toBe('http://prometheus:9090/api/v1/write');
    // Each host is a compose service.
    for (const host of ['tempo', 'loki', 'prometheus']) {
      expect(services[host]).toBeDefined();
    }
  });

  it('sizes memory_limiter under the container memory limit', () => {
    const limiter = at(collector, 'processors', 'memory_limiter') as Yaml;
    const container = memoryMiB(String(services['otel-collector'].mem_limit));
    expect(Number(limiter.limit_mib)).toBeLessThan(container);
    expect(Number(limiter.spike_limit_mib)).toBeLessThan(Number(limiter.limit_mib));
  });
});

describe('Collector PII redaction', () => {
  const actions = at(collector, 'processors', 'attributes/pii', 'actions') as Array<Record<string, string>>;
  const action = (key: string) => actions.find((a) => a.key === key)?.action;
  const blocked = (at(collector, 'processors', 'redaction', 'blocked_values') as string[]).map((p) => new RegExp(p));
  const maskedByRedaction = (v: string) => blocked.some((r) => r.test(v));
  const transform = at(collector, 'processors', 'transform/pii') as Yaml;
  const statementsOf = (kind: 'trace' | 'log', context: string) =>
    ((transform[`${kind}_statements`] as Yaml[]) ?? [])
      .filter((group) => group.context === context)
      .flatMap((group) => group.statements as string[]);
  const spanStatements = statementsOf('trace', 'span');
  const logStatements = statementsOf('log', 'log');
  const onSpan = (key: string, value: string) => applyReplacements(spanStatements, `attributes["${key}"]`, value);

  it('deletes client addresses and masks the url.query attribute', () => {
    for (const key of [
      'client.address',
      'net.peer.ip',
      'net.sock.peer.addr',
      'network.peer.address',
      'http.client_ip',
    ]) {
      expect({ key, action: action(key) }).toEqual({ key, action: 'delete' });
    }
    expect(action('url.query')).toBe('update');
  });

  it.each(['url.full', 'http.url', 'http.target'])('drops the query string of %s and keeps the path', (key) => {
    const base = key === 'http.target' ? '/search' : 'https://shop.example/search';
    expect(onSpan(key, `${base}?q=ada%40example.com&token=s3cret`)).toBe(`${base}?***REDACTED***`);
    expect(onSpan(key, `${base}?q=line\nbreak`)).toBe(`${base}?***REDACTED***`);
    expect(onSpan(key, base)).toBe(base);
  });

  it('drops credentials written into full URLs', () => {
    for (const key of ['url.full', 'http.url']) {
      expect(onSpan(key, 'https://ada:s3cret@shop.example/a@b')).toBe('https://***REDACTED***@shop.example/a@b');
    }
  });

  it.each(['db.statement', 'db.query.text'])('replaces the literals of %s and keeps the statement shape', (key) => {
    expect(onSpan(key, "SELECT * FROM users WHERE email = 'ada@example.com' AND id = 42 AND score > 3.5")).toBe(
      'SELECT * FROM users WHERE email = ? AND id = ? AND score > ?'
    );
    expect(onSpan(key, "UPDATE t SET name = 'O''Brien' WHERE id IN (1,2,3)")).toBe(
      'UPDATE t SET name = ? WHERE id IN (?,?,?)'
    );
    // Placeholders and identifiers with digits are not literals.
    expect(onSpan(key, 'INSERT INTO orders2 (id, status) VALUES ($1, $2)')).toBe(
      'INSERT INTO orders2 (id, status) VALUES ($1, $2)'
    );
    expect(onSpan(key, '42')).toBe('?');
  });

  it('hashes enduser.id with the salt from the environment, and deletes it without one', () => {
    const statements = spanStatements.filter((s) => s.includes('enduser.id'));
    expect(statements).toEqual([
      'delete_key(attributes, "enduser.id") where "${env:PIVOT_PII_SALT}" == ""',
      'set(attributes["enduser.id"], SHA256(Concat(["${env:PIVOT_PII_SALT}", attributes["enduser.id"]], ":"))) where attributes["enduser.id"] != nil',
    ]);
    // The attributes processor's unsalted hash is gone; the compose file passes the salt in.
    expect(action('enduser.id')).toBeUndefined();
    expect((services['otel-collector'].environment as Record<string, string>).PIVOT_PII_SALT).toBe(
      '${PIVOT_PII_SALT:-}'
    );
  });

  it('applies the same attribute statements to spans and log records', () => {
    const logAttributeStatements = logStatements.filter((s) => !s.startsWith('replace_pattern(body'));
    expect(logAttributeStatements).toEqual(spanStatements);
    expect(transform.error_mode).toBe('ignore');
  });

  it('reads every replace_pattern statement', () => {
    for (const statement of [...spanStatements, ...logStatements].filter((s) => s.startsWith('replace_pattern'))) {
      expect({ statement, parsed: parseReplacePattern(statement) !== undefined }).toEqual({ statement, parsed: true });
    }
  });

  const CARDS = [
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '4111111111111111',
    '5500000000000004',
    '378282246310005',
    '3782 822463 10005',
    '6011111111111117',
  ];
  const KEPT = [
    '1714564800000',
    '1714564800000000',
    '1714564800000000000',
    '2f1c9a1e-5f2b-4c53-9d0e-0c1a2b3c4d5e',
    '+1-555-0123',
    '2024-05-01T12:00:00Z',
    'order 1234 5678',
  ];

  it('masks card numbers and emails in attribute values, and keeps timestamps, ids and phone-like numbers', () => {
    for (const value of [...CARDS, 'ada@example.com', `card ${CARDS[2]} declined`]) {
      expect({ value, masked: maskedByRedaction(value) }).toEqual({ value, masked: true });
    }
    for (const value of KEPT) {
      expect({ value, masked: maskedByRedaction(value) }).toEqual({ value, masked: false });
    }
  });

  it('never masks an epoch time in milliseconds, microseconds or nanoseconds (property)', () => {
    // Every time from 2001 to 2286 is 13 digits in milliseconds (16 in micro-, 19 in nanoseconds).
    fc.assert(
      fc.property(
        fc.integer({ min: 1e12, max: 9_999_999_999_999 }),
        fc.integer({ min: 0, max: 999_999 }),
        (ms, fraction) => {
          const micros = `${ms}${String(fraction).padStart(6, '0').slice(0, 3)}`;
          const nanos = `${ms}${String(fraction).padStart(6, '0')}`;
          for (const value of [String(ms), `ts=${ms}`, nanos]) {
            expect({ value, masked: maskedByRedaction(value) }).toEqual({ value, masked: false });
          }
          // Microseconds are 16 digits: masked only when they start like a card (4, 5[1-5], 6011, 65), after 2096.
          if (Number(micros) < 4e15) {
            expect({ micros, masked: maskedByRedaction(micros) }).toEqual({ micros, masked: false });
          }
        }
      ),
      { numRuns: 300, seed: 7 }
    );
  });

  it('masks the same card numbers and emails in log bodies', () => {
    const onBody = (value: string) => applyReplacements(logStatements, 'body', value);
    for (const card of CARDS) {
      expect(onBody(`charge failed for card ${card} at 1714564800000`)).toBe(
        'charge failed for card **** at 1714564800000'
      );
    }
    expect(onBody('mail ada@example.com')).toBe('mail ****');
    for (const value of KEPT) {
      expect(onBody(value)).toBe(value);
    }
    // The body patterns are the redaction processor's (the email's \. written [.]).
    const bodyPatterns = logStatements
      .map(parseReplacePattern)
      .filter((r) => r?.target === 'body')
      .map((r) => r!.pattern.source);
    expect(bodyPatterns).toEqual(blocked.map((r) => r.source.replace('\\.[A-Za-z]', '[.][A-Za-z]')));
  });
});

describe('Loki and Tempo configs', () => {
  it('Loki 3 ingests OTLP with structured metadata on a v13 tsdb schema, service.name indexed', () => {
    const loki = readYaml('stack/loki/loki.yaml');
    expect(at(loki, 'limits_config', 'allow_structured_metadata')).toBe(true);
    const schema = (at(loki, 'schema_config', 'configs') as Yaml[]).at(-1);
    expect(schema?.store).toBe('tsdb');
    expect(schema?.schema).toBe('v13');
    const indexed = at(loki, 'limits_config', 'otlp_config', 'resource_attributes', 'attributes_config') as Yaml[];
    expect(indexed.some((a) => a.action === 'index_label' && (a.attributes as string[]).includes('service.name'))).toBe(
      true
    );
    expect(resolveDefaults(String(services.loki.image))).toMatch(/^grafana\/loki:3\./);
  });

  it('Tempo runs the metrics generator (service graphs, span metrics, local blocks) writing to Prometheus with exemplars', () => {
    const tempo = readYaml('stack/tempo/tempo.yaml');
    expect(at(tempo, 'overrides', 'defaults', 'metrics_generator', 'processors')).toEqual([
      'service-graphs',
      'span-metrics',
      'local-blocks',
    ]);
    const remoteWrite = at(tempo, 'metrics_generator', 'storage', 'remote_write') as Yaml[];
    expect(remoteWrite).toEqual([{ url: 'http://prometheus:9090/api/v1/write', send_exemplars: true }]);
    expect(at(tempo, 'distributor', 'receivers', 'otlp', 'protocols', 'grpc', 'endpoint')).toBe('0.0.0.0:4317');
  });

  it('service-graph latency buckets cover milliseconds, in Tempo as in the Kubernetes gateway connector (issue 18)', () => {
    const tempoBuckets = at(
      readYaml('stack/tempo/tempo.yaml'),
      'metrics_generator',
      'processor',
      'service_graphs',
      'histogram_buckets'
    ) as number[];
    // The demo's calls take 10 to 60 ms: several bounds below 100 ms, the lowest at most 5 ms.
    expect(tempoBuckets[0]).toBeLessThanOrEqual(0.005);
    expect(tempoBuckets.filter((b) => b < 0.1).length).toBeGreaterThanOrEqual(3);
    expect([...tempoBuckets].sort((a, b) => a - b)).toEqual(tempoBuckets);
    const gateway = readYamlDocuments('deploy/kubernetes/otel-gateway.yaml').find(
      (d) => at(d, 'metadata', 'name') === 'otel-gateway-config'
    );
    const connector = at(
      parse(String(at(gateway ?? {}, 'data', 'config.yaml'))) as Yaml,
      'connectors',
      'servicegraph',
      'latency_histogram_buckets'
    ) as string[];
    const seconds = connector.map((d) => (d.endsWith('ms') ? Number(d.slice(0, -2)) / 1000 : Number(d.slice(0, -1))));
    expect(seconds).toEqual(tempoBuckets);
  });
});

describe('GitHub Actions', () => {
  it('builds, runs npm test, starts the compose stack and runs the Playwright specs against it', () => {
    const ci = readYaml('.github/workflows/ci.yml');
    const steps = (job: string) => (at(ci, 'jobs', job, 'steps') as Yaml[]).map((s) => String(s.run ?? s.uses ?? ''));
    expect(steps('test')).toEqual(expect.arrayContaining(['npm test']));
    // npm test installs the plugin's and the demo's npm packages itself, as in a fresh clone.
    expect(readFileSync(join(ROOT, 'scripts/test-all.sh'), 'utf8')).toContain('install_if_needed demo');
    const e2e = at(ci, 'jobs', 'e2e', 'steps') as Yaml[];
    const upAt = e2e.findIndex((s) => String(s.run ?? '').includes('docker compose up'));
    const specsAt = e2e.findIndex((s) => s.run === 'npm run e2e');
    expect(upAt).toBeGreaterThan(-1);
    expect(specsAt).toBeGreaterThan(upAt);
    expect(at(e2e[specsAt], 'env', 'GRAFANA_URL')).toBe('http://localhost:3000');
    for (const version of at(ci, 'jobs', 'e2e', 'strategy', 'matrix', 'grafana') as string[]) {
      expect(isPinnedImage(`grafana/grafana:${version}`)).toBe(true);
    }
  });
});

describeWithPrometheus('Prometheus config', () => {
  it('passes promtool check config, with the rules it loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pivot-promtool-'));
    try {
      const config = readYaml('stack/prometheus/prometheus.yml');
      expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.yaml']);
      // Same config, with the rules glob pointing at the repository's rules folder.
      const local = { ...config, rule_files: [join(ROOT, 'stack/prometheus/rules/*.yaml')] };
      const file = join(dir, 'prometheus.yml');
      writeFileSync(file, stringify(local));
      const out = execFileSync('promtool', ['check', 'config', file], { encoding: 'utf8', stdio: 'pipe' });
      expect(out).toContain('is valid prometheus config file syntax');
      const ruleFiles = readdirSync(join(ROOT, 'stack/prometheus/rules')).filter((f) => f.endsWith('.yaml'));
      for (const rules of ruleFiles) {
        expect(out).toContain(`SUCCESS`);
        expect(out).toContain(rules);
      }
      // The file as shipped is valid too (its rules glob matches nothing outside the container).
      execFileSync('promtool', ['check', 'config', join(ROOT, 'stack/prometheus/prometheus.yml')], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps exemplars', () => {
    expect(
      Number(at(readYaml('stack/prometheus/prometheus.yml'), 'storage', 'exemplars', 'max_exemplars'))
    ).toBeGreaterThan(0);
  });
});
