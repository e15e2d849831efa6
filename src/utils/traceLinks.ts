import { DataFrame, DataLink, Field, FieldType } from '@grafana/data';
import type { TraceIdLocation } from '../datasources/conventions';
import { lineTraceId, TRACE_ID_FIELD } from './lineTraceId';
import { serviceRowUrlTemplate, serviceRowValue, serviceUrl, traceUrl, UrlTimeRange } from './links';

export { lineTraceId, TRACE_ID_FIELD };

/**
 * Links from the Service page's data (exemplars, log lines, Tempo search rows) to Pivot's
 * Trace page. Grafana fills data-link templates per value, so the URL is built once by
 * `traceUrl` with placeholder tokens and the tokens are swapped for Grafana's variables
 * afterwards (built with the variables directly, `traceUrl` would percent-encode them).
 */

const TOKENS = {
  traceId: 'PIVOTTRACEIDTOKEN',
  from: 'PIVOTFROMTOKEN',
  to: 'PIVOTTOTOKEN',
} as const;

/**
 * The Trace page URL as a Grafana data-link template: `${__value.raw:percentencode}` is the
 * trace id of the clicked value, `${__from}`/`${__to}` the panel's time range (where to look for
 * the trace). A data link's default format is `encodeURI`, which leaves `/`, `?` and `#` as
 * they are: a trace id read from a log line can hold anything, so it is percent-encoded whole.
 */
export function traceLinkTemplate(): string {
  return traceUrl(TOKENS.traceId, { range: { from: TOKENS.from, to: TOKENS.to } })
    .replace(TOKENS.traceId, '${__value.raw:percentencode}')
    .replace(TOKENS.from, '${__from}')
    .replace(TOKENS.to, '${__to}');
}

export const TRACE_LINK_TITLE = 'Open trace in Pivot';

export function traceDataLink(): DataLink {
  return { title: TRACE_LINK_TITLE, url: traceLinkTemplate() };
}

/**
 * Half the window an exemplar's "narrow to this moment" link opens: 5 minutes either side.
 * The Service page's rates and ratios use 5-minute windows, so 10 minutes holds the rate at
 * the exemplar's moment and a window of it before and after; its error logs and failing traces
 * are then those of the minutes around the request, not of the whole panel range.
 */
export const EXEMPLAR_MOMENT_HALF_WINDOW_MS = 5 * 60 * 1000;

/**
 * An exemplar's link to `service`'s page narrowed to the exemplar's moment (its row's `Time`,
 * Grafana's `${__value.time}`) ± EXEMPLAR_MOMENT_HALF_WINDOW_MS. Grafana's URLs take no time
 * arithmetic, so the window is computed when Grafana builds the link (`onBuildUrl`); `url`,
 * the service over the panel's range, is what a copy of the link without code keeps (a panel
 * added to a dashboard is saved as JSON), or what is used when the row has no time.
 */
export function exemplarMomentLink(service: string, title: string): DataLink {
  const panelRange = serviceUrl(service, { from: TOKENS.from, to: TOKENS.to })
    .replace(TOKENS.from, '${__from}')
    .replace(TOKENS.to, '${__to}');
  return {
    title,
    url: panelRange,
    onBuildUrl: ({ replaceVariables }) => {
      const at = Number(replaceVariables?.('${__value.time}') ?? NaN);
      if (!Number.isFinite(at) || at <= 0) {
        return panelRange;
      }
      return serviceUrl(service, {
        from: at - EXEMPLAR_MOMENT_HALF_WINDOW_MS,
        to: at + EXEMPLAR_MOMENT_HALF_WINDOW_MS,
      });
    },
  };
}

function field(frame: DataFrame, ...names: string[]): Field | undefined {
  return frame.fields.find((f) => names.includes(f.name));
}

/**
 * Adds to a Loki logs frame (both Grafana shapes: `labels`/`Line` and dataplane
 * `labels`/`body`) a `trace_id` field whose values link to the Trace page, so the logs
 * panel shows each line's trace id as a link. When the frame already has a `trace_id`
 * field (a derived field from the data source's settings), the link is added to it instead.
 * Frames that are not logs frames are returned as they are.
 */
export function withTraceIdLinks(
  frame: DataFrame,
  location: TraceIdLocation,
  link: DataLink = traceDataLink()
): DataFrame {
  const existing = field(frame, TRACE_ID_FIELD);
  if (existing) {
    const links = existing.config.links ?? [];
    const hasLink = links.some((l) => l.url === link.url);
    return hasLink
      ? frame
      : {
          ...frame,
          fields: frame.fields.map((f) =>
            f === existing ? { ...f, config: { ...f.config, links: [...links, link] } } : f
          ),
        };
  }
  const labels = field(frame, 'labels');
  const line = field(frame, 'Line', 'body');
  if (!labels && !line) {
    return frame;
  }
  const values: string[] = [];
  for (let i = 0; i < frame.length; i++) {
    values.push(lineTraceId(labels?.values[i], line?.values[i], location));
  }
  return {
    ...frame,
    fields: [...frame.fields, { name: TRACE_ID_FIELD, type: FieldType.string, config: { links: [link] }, values }],
  };
}

/** How many lines of the frames carry a trace id: the Service page says so when none does. */
export function countTraceIds(frames: DataFrame[]): number {
  let count = 0;
  for (const frame of frames) {
    const ids = field(frame, TRACE_ID_FIELD);
    for (const value of ids?.values ?? []) {
      if (typeof value === 'string' && value !== '') {
        count++;
      }
    }
  }
  return count;
}

/** The field of Grafana's trace frame (one row per span) that holds each span's service. */
export const SPAN_SERVICE_FIELD = 'serviceName';

/**
 * The span's time window in a trace frame (epoch ms: `startTime` and `duration` per span), or
 * undefined when no span has a usable time.
 */
export function traceFrameWindow(frame: DataFrame): { startMs: number; endMs: number } | undefined {
  const starts = field(frame, 'startTime')?.values ?? [];
  const durations = field(frame, 'duration')?.values ?? [];
  let startMs = Infinity;
  let endMs = -Infinity;
  for (let i = 0; i < frame.length; i++) {
    const start = Number(starts[i]);
    const duration = Number(durations[i] ?? 0);
    if (Number.isFinite(start) && start > 0) {
      startMs = Math.min(startMs, start);
      endMs = Math.max(endMs, start + (Number.isFinite(duration) && duration > 0 ? duration : 0));
    }
  }
  return Number.isFinite(startMs) ? { startMs, endMs } : undefined;
}

/**
 * The field Pivot adds to a trace frame: each span's service as the path segment `serviceUrl`
 * writes (`serviceRowValue`), carrying the link to its Service page.
 */
export const SPAN_SERVICE_LINK_FIELD = 'pivot_service';

/**
 * A trace frame whose span services link to their Service page at `range`, on a field of its
 * own (SPAN_SERVICE_LINK_FIELD) whose values are the services already written as the URL's path
 * segment, taken as they are (`serviceRowUrlTemplate`, `${__value.raw:raw}`): the service filled
 * in by Grafana (`percentencode`) would let a service named `..` open the Services list.
 *
 * Grafana's traces panel (docs/conventions.md, Tempo trace frame) lists
 * in each span's links menu the data links of every field of the frame that has links, each
 * filled on the span's row (`getFieldLinksForExplore`). It reads the span from the fields it
 * knows by name (`transformTraceDataFrame`: traceID, spanID, serviceName, tags…); another field
 * is copied onto the span object but shown nowhere (not as a tag, nor in the span's details).
 * Other frames are returned as they are; a frame that has the field already gets it anew.
 */
export function withSpanServiceLinks(frame: DataFrame, range: UrlTimeRange, title: string): DataFrame {
  const services = field(frame, SPAN_SERVICE_FIELD);
  if (!services) {
    return frame;
  }
  const link: DataLink = { title, url: serviceRowUrlTemplate(range) };
  const segments: Field = {
    name: SPAN_SERVICE_LINK_FIELD,
    type: FieldType.string,
    config: { displayName: 'Service (Pivot link)', links: [link] },
    values: services.values.map((service) => serviceRowValue(String(service ?? ''))),
  };
  return {
    ...frame,
    fields: [...frame.fields.filter((f) => f.name !== SPAN_SERVICE_LINK_FIELD), segments],
  };
}
