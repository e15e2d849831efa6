import React from 'react';
import { render, screen } from '@testing-library/react';
import { LoadingState, PanelData, getDefaultTimeRange } from '@grafana/data';
import { instantFrame } from '../../analysis/fixtures/serviceGraphMetrics';
import { testIds } from '../../components/testIds';
import { ConsumerSection } from './ConsumerServices';

const panel = (series: PanelData['series'], errors?: PanelData['errors']): PanelData => ({
  state: errors ? LoadingState.Error : LoadingState.Done,
  series,
  errors,
  timeRange: getDefaultTimeRange(),
});

describe('ConsumerSection', () => {
  it('lists the consumer-only services with messages per second and error ratio, hostile names as text', () => {
    const name = '<img src=x onerror=alert(1)> "q"';
    render(
      <ConsumerSection
        data={panel([
          instantFrame('consumerRate', { service_name: 'fulfilment' }, 5),
          instantFrame('consumerErrors', { service_name: 'fulfilment' }, 0.5),
          instantFrame('consumerRate', { service_name: name }, 0.25),
          // Other refIds of the same request (the table's) are not rows here.
          instantFrame('requestRate', { service_name: 'checkout' }, 5),
        ])}
        serviceLabel="service_name"
        familyTitle="OpenTelemetry Collector spanmetrics connector"
        countsConsumers
      />
    );
    expect(screen.getByTestId(testIds.services.consumerRow('fulfilment')).textContent).toBe('fulfilment5/s10%');
    expect(screen.getByTestId(testIds.services.consumerRow(name)).textContent).toBe(`${name}0.25/s0%`);
    expect(screen.queryByTestId(testIds.services.consumerRow('checkout'))).toBeNull();
    expect(document.querySelector('img')).toBeNull();
  });

  it('shows nothing when there is no consumer-only service', () => {
    const { container } = render(
      <ConsumerSection data={panel([])} serviceLabel="service_name" familyTitle="x" countsConsumers />
    );
    expect(container.textContent).toBe('');
  });

  it('says the HTTP families do not count queue workers', () => {
    render(
      <ConsumerSection
        data={undefined}
        serviceLabel="job"
        familyTitle="OpenTelemetry HTTP server metrics"
        countsConsumers={false}
      />
    );
    expect(screen.getByTestId(testIds.services.consumers('unknown')).textContent).toContain(
      'OpenTelemetry HTTP server metrics counts HTTP server requests only'
    );
  });

  it('says when the consumer queries failed', () => {
    render(
      <ConsumerSection
        data={panel([], [{ refId: 'consumerRate', message: 'bad_data: parse error' }])}
        serviceLabel="service_name"
        familyTitle="x"
        countsConsumers
      />
    );
    expect(screen.getByTestId(testIds.services.consumers('error')).textContent).toBe(
      'Queue consumers could not be listed: bad_data: parse error'
    );
  });
});
