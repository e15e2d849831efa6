import React from 'react';
import { css } from '@emotion/css';
import { formattedValueToString, getValueFormat, GrafanaTheme2, locationUtil } from '@grafana/data';
import { SceneComponentProps, SceneObjectBase, SceneObjectState, sceneGraph } from '@grafana/scenes';
import { Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { graphUrl, serviceUrl, UrlTimeRange } from '../../utils/links';
import { Neighbour, neighbourRows } from './neighbourRows';

export interface NeighboursListState extends SceneObjectState {
  service: string;
}

/** The service's callers and callees, each a link to its Service page in the same window; reads its section's data. */
export class NeighboursList extends SceneObjectBase<NeighboursListState> {
  static Component = NeighboursListRenderer;
}

function NeighboursListRenderer({ model }: SceneComponentProps<NeighboursList>) {
  const { service } = model.useState();
  const { data } = sceneGraph.getData(model).useState();
  const { from, to } = sceneGraph.getTimeRange(model).useState();
  const styles = useStyles2(getStyles);
  const { upstream, downstream } = neighbourRows(data?.series ?? [], service);
  const range = { from, to };

  return (
    <div className={styles.columns}>
      <NeighbourColumn title="Upstream (calls this service)" neighbours={upstream} range={range} />
      <NeighbourColumn title="Downstream (called by this service)" neighbours={downstream} range={range} />
      <TextLink href={locationUtil.assureBaseUrl(graphUrl({ range, focus: service }))} icon="sitemap" inline={false}>
        Open the graph around {service}
      </TextLink>
    </div>
  );
}

function NeighbourColumn({
  title,
  neighbours,
  range,
}: {
  title: string;
  neighbours: Neighbour[];
  range: UrlTimeRange;
}) {
  const styles = useStyles2(getStyles);
  return (
    <div>
      <Text element="h6">{title}</Text>
      {neighbours.length === 0 ? (
        <Text color="secondary">None in this window</Text>
      ) : (
        <ul className={styles.list}>
          {neighbours.map((n) => (
            <li key={n.service} data-testid={testIds.service.neighbour(n.service)}>
              <Stack direction="row" gap={1} alignItems="baseline">
                <TextLink href={locationUtil.assureBaseUrl(serviceUrl(n.service, range))} inline={false}>
                  {n.service}
                </TextLink>
                <Text color="secondary" variant="bodySmall">
                  {formattedValueToString(getValueFormat('reqps')(n.requestRate))}
                </Text>
                {n.errorRatio > 0 && (
                  <Text color="error" variant="bodySmall">
                    {formattedValueToString(getValueFormat('percentunit')(n.errorRatio))} errors
                  </Text>
                )}
              </Stack>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  columns: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  }),
  list: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    li: { padding: theme.spacing(0.5, 0) },
  }),
});
