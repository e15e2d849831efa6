import type { Locator, Page } from '@playwright/test';
import { testIds } from '../../src/components/testIds';
import { expect } from '../fixtures';

/**
 * Page objects for Pivot's pages: what a spec finds on each page and how it moves between
 * them, written once. Specs read as the investigation they follow.
 */

/** Pages query the demo stack's data sources: the first answer can take a while. */
export const LOADED = { timeout: 30_000 };

/** Opens a path under the app (the fixture's gotoPage). */
export type GotoPage = (path?: string) => Promise<unknown>;

export const LAST_30_MINUTES = 'from=now-30m&to=now';

export class ServicesPage {
  constructor(
    private readonly page: Page,
    private readonly goto: GotoPage
  ) {}

  get table(): Locator {
    return this.page.getByTestId(testIds.services.table);
  }

  get metricFamily(): Locator {
    return this.page.getByTestId(testIds.services.metricFamily);
  }

  get search(): Locator {
    return this.page.getByTestId(testIds.services.search);
  }

  sortBy(key: string): Locator {
    return this.page.getByTestId(testIds.services.sortBy(key));
  }

  async open(): Promise<this> {
    await this.goto(`/services?${LAST_30_MINUTES}`);
    await expect(this.table).toBeVisible(LOADED);
    return this;
  }

  /** The link of the first row: the service with the worst error ratio. */
  get worstService(): Locator {
    return this.table.locator('tbody tr').first().locator('a').first();
  }

  /** Opens the worst service's page; resolves with the service's name. */
  async openWorstService(): Promise<ServicePage> {
    const service = (await this.worstService.innerText()).trim();
    await this.worstService.click();
    return new ServicePage(this.page, service);
  }
}

export class ServicePage {
  constructor(
    private readonly page: Page,
    readonly service: string
  ) {}

  section(name: string, state = 'data'): Locator {
    return this.page.getByTestId(testIds.service.section(name, state));
  }

  get neighbourhood(): Locator {
    return this.page.getByTestId(testIds.graph.neighbourhood('data'));
  }

  async expectOpen(): Promise<void> {
    await expect(this.page).toHaveURL(new RegExp(`/services/${encodeURIComponent(this.service)}\\?`));
  }

  /** Opens the newest error line's details and follows its trace_id link to the Trace page. */
  async openTraceOfNewestErrorLine(): Promise<TracePage> {
    const logs = this.section('logs');
    await expect(logs).toBeVisible(LOADED);
    await logs.getByRole('row').first().click();
    const traceLink = logs.getByRole('link', { name: /Open trace in Pivot/ }).first();
    await expect(traceLink).toBeVisible();
    await traceLink.click();
    const trace = new TracePage(this.page);
    await trace.expectOpen();
    return trace;
  }

  /** Follows the first failing trace's link (the trace id cell has Pivot's link only). */
  async openFirstFailingTrace(): Promise<TracePage> {
    const traces = this.section('traces');
    await expect(traces).toBeVisible(LOADED);
    await traces.getByRole('link').first().click();
    const trace = new TracePage(this.page);
    await trace.expectOpen();
    return trace;
  }
}

export class TracePage {
  constructor(private readonly page: Page) {}

  state(kind: string): Locator {
    return this.page.getByTestId(testIds.trace.state(kind));
  }

  section(name: keyof typeof testIds.trace.sections, state = 'data'): Locator {
    return this.page.getByTestId(testIds.service.section(testIds.trace.sections[name], state));
  }

  get summary(): Locator {
    return this.page.getByTestId(testIds.trace.summary);
  }

  get failureOrigin(): Locator {
    return this.page.getByTestId(testIds.trace.failureOrigin);
  }

  get criticalPath(): Locator {
    return this.page.getByTestId(testIds.trace.criticalPath);
  }

  async expectOpen(): Promise<void> {
    await expect(this.page).toHaveURL(/\/a\/pivot-correlation-app\/trace\/[0-9a-f]+/);
  }

  /** Waits for the trace itself (Tempo's answer, analysed). */
  async expectTrace(): Promise<void> {
    await expect(this.state('data')).toBeVisible(LOADED);
  }
}

export class GraphPage {
  constructor(
    private readonly page: Page,
    private readonly goto: GotoPage
  ) {}

  get graph(): Locator {
    return this.page.getByTestId(testIds.graph.page('data'));
  }

  get unhealthy(): Locator {
    return this.page.getByTestId(testIds.graph.unhealthy);
  }

  /** The service links of the edge list, failing edges first. */
  get serviceLinks(): Locator {
    return this.graph.getByTestId(/pivot-graph-node /);
  }

  async open(query = ''): Promise<this> {
    await this.goto(`/graph?${LAST_30_MINUTES}${query}`);
    await expect(this.graph).toBeVisible(LOADED);
    return this;
  }

  async firstService(): Promise<string> {
    return (await this.serviceLinks.first().innerText()).trim();
  }
}
