/**
 * The Service page of a queue consumer (issue 18): a service with consumer spans and no server
 * spans in the window, such as the demo's fulfilment, which the Services page lists under
 * Queue consumers. Its error-ratio and latency queries fall back to its consumer spans
 * (consumerQueries.ts serverOrConsumerOnly, in the page's one Prometheus request), and those
 * series carry the span-kind label: the panels read it to retitle themselves, and a Messages
 * processed panel, whose query answers only for such a service, shows with a note saying why.
 * Read from the raw span metrics: Pivot's recorded RED series count server spans only.
 */
import type { DataFrame } from '@grafana/data';
import { t } from '@grafana/i18n';
import { sceneGraph, SceneFlexItem, VizPanel } from '@grafana/scenes';
import { isConsumerSeries } from '../../datasources/consumerQueries';
import { textValues } from '../../utils/i18nValues';
import { isExemplarFrame } from './errorExemplars';

/** The messages-processed query's refId (its series exist only for a consumer-only service). */
export const MESSAGES_REF = 'messages';

/** Whether the frames hold a consumer statistic's series (not exemplars). */
export function hasConsumerSeries(frames: DataFrame[]): boolean {
  return frames.some((f) => !isExemplarFrame(f) && f.fields.some((field) => isConsumerSeries(field.labels)));
}

/** Whether the frames hold the messages-processed series: the page is a queue consumer's. */
export function hasMessages(frames: DataFrame[]): boolean {
  return frames.some((f) => f.refId === MESSAGES_REF && !isExemplarFrame(f) && f.length > 0);
}

export interface PanelWords {
  title: string;
  description: string;
}

/**
 * A panel behavior: the panel takes `consumer`'s title and description while its data holds
 * consumer series, `server`'s otherwise (a new window may turn one into the other).
 */
export function retitledForConsumers(server: PanelWords, consumer: PanelWords): (panel: VizPanel) => () => void {
  return (panel) => {
    const data = sceneGraph.getData(panel);
    const apply = () => {
      const words = hasConsumerSeries(data.state.data?.series ?? []) ? consumer : server;
      if (panel.state.title !== words.title || panel.state.description !== words.description) {
        panel.setState({ title: words.title, description: words.description });
      }
    };
    apply();
    const sub = data.subscribeToState(apply);
    return () => sub.unsubscribe();
  };
}

/** A flex item behavior: shown only while the request's answer holds the messages-processed series. */
export function shownForConsumers(item: SceneFlexItem): () => void {
  const data = sceneGraph.getData(item);
  const apply = () => {
    const hidden = !hasMessages(data.state.data?.series ?? []);
    if (item.state.isHidden !== hidden) {
      item.setState({ isHidden: hidden });
    }
  };
  apply();
  const sub = data.subscribeToState(apply);
  return () => sub.unsubscribe();
}

/** The note above the messages panel: why this page counts messages, and where they come from. */
export function consumerNote(service: string): string {
  return t(
    'pivot.services.service.consumer.note',
    'No server spans of {{service}} in this window: a queue consumer. These panels count its consumer spans, one per message processed, from the raw span metrics (recorded series count server spans only).',
    textValues({ service })
  );
}

/** The titles and descriptions of the page's metric panels in the consumer view. */
export function consumerWords(): { messages: PanelWords; errorRatio: PanelWords; latency: PanelWords } {
  const drag = t('pivot.services.service.consumer.drag', 'Drag across the panel to narrow the page to a window.');
  return {
    messages: {
      title: t('pivot.services.service.consumer.messages-title', 'Messages processed per second'),
      description: t(
        'pivot.services.service.consumer.messages-description',
        'Consumer spans per second: messages processed. {{drag}}',
        textValues({ drag })
      ),
    },
    errorRatio: {
      title: t('pivot.services.service.consumer.error-ratio-title', 'Error ratio of messages processed'),
      description: t(
        'pivot.services.service.consumer.error-ratio-description',
        'Failed / all messages processed (consumer spans with error status). {{drag}}',
        textValues({ drag })
      ),
    },
    latency: {
      title: t('pivot.services.service.consumer.latency-title', 'p95 message processing latency'),
      description: t(
        'pivot.services.service.consumer.latency-description',
        '95th percentile consumer span duration: the time to process a message. {{drag}}',
        textValues({ drag })
      ),
    },
  };
}
