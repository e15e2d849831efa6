/**
 * Renders Pivot's Services and SLOs pages with the demo shop's numbers, through the same fake
 * Grafana the page tests use, and writes each page as a standalone HTML file (markup plus the
 * Emotion styles Grafana UI injected) for `scripts/screenshots.sh` to photograph with headless
 * Chromium. Run by that script only, never by `npm test` (the name does not end in .test.tsx).
 */
import React from 'react';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { screen } from '@testing-library/react';
import { DataFrame, DataQueryRequest } from '@grafana/data';
import { EmbeddedScene } from '@grafana/scenes';
import { GlobalStyles } from '@grafana/ui';
import { testIds } from '../../src/components/testIds';
import { SERVICE_STAT_REFS as R } from '../../src/pages/Services/serviceRows';
import { buildServicesScene } from '../../src/pages/Services/servicesScene';
import { Answer, installFakeGrafana, pivotContext, renderInGrafana } from '../../src/testing/fakeGrafana';
import { promSeries } from '../../src/testing/frames';
import { buildSlosScene } from '../../src/pages/Slos/slosScene';
import { buildTraceScene } from '../../src/pages/Trace/traceScene';
import { checkoutFailureFrame, FIXTURE_TRACE_ID } from '../../src/analysis/fixtures/traceFrames';
import { ratioRef } from '../../src/pages/Slos/sloRows';
import type { SloDefinition } from '../../src/slo/definition';

const OUT = process.env.PIVOT_SCREENS_DIR ?? '/tmp/pivot-screens';
const NOW = Date.UTC(2026, 11, 2, 10, 0, 0);
const STEP = 60_000;
const CONVENTIONS = { family: 'http-semconv' as const, serviceLabel: 'job' };

/** The demo shop during the payment fault of docs/local-stack.md: 30% of charges fail. */
const SHOP = [
  { service: 'storefront', rate: 12.4, errors: 0.071, p95: 0.62 },
  { service: 'checkout', rate: 8.1, errors: 0.094, p95: 0.48 },
  { service: 'payment', rate: 8.0, errors: 0.3, p95: 0.21 },
  { service: 'inventory', rate: 8.2, errors: 0, p95: 0.034 },
  { service: 'fulfilment', rate: 5.6, errors: 0, p95: 0.012 },
  { service: 'queue', rate: 11.3, errors: 0, p95: 0.004 },
];

/** An hour of request rates that wobble around `rate` (a fixed pattern, so images are stable). */
function ratePoints(rate: number, seed: number): Array<[number, number]> {
  return Array.from({ length: 60 }, (_, i) => [
    NOW - (59 - i) * STEP,
    rate * (1 + 0.12 * Math.sin((i + seed * 7) / 5) + 0.03 * Math.sin(i / 1.7 + seed)),
  ]);
}

function servicesFrames(): DataFrame[] {
  return SHOP.flatMap(({ service, rate, errors, p95 }, i) => [
    promSeries(R.requestRate, { job: service }, [[NOW, rate]]),
    promSeries(R.errorRatio, { job: service }, [[NOW, errors]]),
    promSeries(R.p95, { job: service }, [[NOW, p95]]),
    promSeries(R.sparkline, { job: service }, ratePoints(rate, i), 'range'),
  ]);
}

/** The demo SLOs of examples/slos.yaml that the payment fault touches, and two it does not. */
const SLOS: Array<{ slo: SloDefinition; ratios: Record<string, number> }> = [
  {
    slo: {
      name: 'checkout-availability',
      service: 'checkout',
      sli: { type: 'availability' },
      objective: 99.9,
      period: '30d',
    },
    ratios: {
      '5m': 0.094,
      '30m': 0.09,
      '1h': 0.061,
      '2h': 0.031,
      '6h': 0.011,
      '1d': 0.003,
      '3d': 0.001,
      '30d': 0.00031,
    },
  },
  {
    slo: {
      name: 'storefront-availability',
      service: 'storefront',
      sli: { type: 'availability' },
      objective: 99.5,
      period: '28d',
    },
    ratios: {
      '5m': 0.071,
      '30m': 0.068,
      '1h': 0.046,
      '2h': 0.024,
      '6h': 0.008,
      '1d': 0.0021,
      '3d': 0.0008,
      '28d': 0.0009,
    },
  },
  {
    slo: {
      name: 'storefront-latency',
      service: 'storefront',
      sli: { type: 'latency', thresholdSeconds: 0.5 },
      objective: 99,
      period: '28d',
    },
    ratios: { '5m': 0.02, '30m': 0.018, '1h': 0.016, '2h': 0.015, '6h': 0.012, '1d': 0.011, '3d': 0.009, '28d': 0.006 },
  },
  {
    slo: {
      name: 'inventory-availability',
      service: 'inventory',
      sli: { type: 'availability' },
      objective: 99.9,
      period: '30d',
    },
    ratios: { '5m': 0, '30m': 0, '1h': 0, '2h': 0, '6h': 0.0001, '1d': 0.0001, '3d': 0.00005, '30d': 0.00004 },
  },
];

function sloFrames(): DataFrame[] {
  return SLOS.flatMap(({ slo, ratios }, index) =>
    Object.entries(ratios).map(([window, value]) =>
      promSeries(ratioRef(index, window), { job: slo.service }, [[NOW, value]])
    )
  );
}

/** Answers each request with the frames of the refIds it asked. */
function byRefId(frames: DataFrame[]) {
  return (_ds: unknown, request: DataQueryRequest): Answer => {
    const asked = new Set(request.targets.map((t) => t.refId));
    return { frames: frames.filter((f) => f.refId !== undefined && asked.has(f.refId)) };
  };
}

/** The page as one HTML file: every style Emotion injected (text or CSSOM rules), then the markup. */
function snapshot(title: string): string {
  const css = Array.from(document.querySelectorAll('style'))
    .map((style) => {
      // Emotion writes rules as text outside production, and straight into the CSSOM in it.
      const text = style.textContent ?? '';
      return text || (style.sheet ? Array.from(style.sheet.cssRules, (rule) => rule.cssText).join('\n') : '');
    })
    .join('\n')
    // jsdom's CSSOM decodes escapes such as `content: "\f0d7"` into raw control characters,
    // which end a CSS string in a browser; write them as CSS escapes again.
    .replace(/[\u0000-\u0008\u000b-\u001f]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
<style>${css}</style>
<style>html, body { margin: 0; overflow: hidden; }
.pivot-screen { padding: 16px 24px; }
.pivot-screen-title { font-size: 22px; font-weight: 500; margin: 4px 0 16px; }
svg:empty { width: 16px; height: 16px; } /* jest's icon stand-ins carry no size */</style>
</head><body><div class="pivot-screen"><div class="pivot-screen-title">${title}</div>${document.body.innerHTML}</div></body></html>`;
}

async function photograph(name: string, title: string, scene: EmbeddedScene, ready: () => Promise<unknown>) {
  // Grafana's own global styles (dark theme, fonts, body colours), as around every app page.
  const view = renderInGrafana(
    <>
      <GlobalStyles />
      <scene.Component model={scene} />
    </>
  );
  await ready();
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, `${name}.html`), snapshot(title));
  view.unmount();
}

describe('screenshots', () => {
  it('renders the Services page', async () => {
    installFakeGrafana(byRefId(servicesFrames()));
    const scene = buildServicesScene(pivotContext({ metrics: CONVENTIONS }));
    await photograph('services', 'Pivot · Services', scene, () => screen.findAllByTestId(/pivot-services-row /));
  });

  it('renders the Trace page', async () => {
    installFakeGrafana((ds) => (ds.type === 'tempo' ? { frames: [checkoutFailureFrame()] } : { frames: [] }));
    const scene = buildTraceScene(pivotContext({ metrics: CONVENTIONS }), FIXTURE_TRACE_ID);
    await photograph('trace', 'Pivot · Trace', scene, () => screen.findByTestId(testIds.trace.summary));
  });

  it('renders the SLOs page', async () => {
    installFakeGrafana(byRefId(sloFrames()));
    const scene = buildSlosScene(pivotContext({ metrics: CONVENTIONS, slos: SLOS.map((s) => s.slo) }));
    await photograph('slos', 'Pivot · SLOs', scene, () => screen.findByTestId(testIds.slos.table));
  });
});
