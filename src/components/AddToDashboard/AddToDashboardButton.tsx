import React from 'react';
import type { TimeRange } from '@grafana/data';
import { t } from '@grafana/i18n';
import { getDataSourceSrv, usePluginComponent } from '@grafana/runtime';
import {
  SceneComponentProps,
  SceneDataTransformer,
  sceneGraph,
  SceneObject,
  SceneObjectBase,
  SceneObjectState,
  SceneQueryRunner,
  SceneReactObject,
  VizPanel,
} from '@grafana/scenes';
import type { DataTransformerConfig, Panel } from '@grafana/schema';
import { Alert, IconButton, Modal } from '@grafana/ui';
import { ADD_TO_DASHBOARD_FORM_ID } from '../../extensions/ids';
import { textValues } from '../../utils/i18nValues';
import { testIds } from '../testIds';
import { PanelSource, toDashboardPanel } from './dashboardPanel';
import { errorMessage } from '../../utils/errors';

/** The props of Grafana's `grafana/add-to-dashboard-form/v1` Pivot uses. */
interface AddToDashboardFormProps {
  onClose: () => void;
  buildPanel: () => Panel;
  timeRange?: TimeRange;
  /** From a plugin page the form must navigate by absolute path. */
  options?: { useAbsolutePath: boolean };
}

interface AddToDashboardButtonState extends SceneObjectState {
  isOpen: boolean;
}

/** The queries behind a panel: its own data or, as on Pivot's pages, its section's. */
function queryRunnerOf(panel: VizPanel): { runner?: SceneQueryRunner; transformations: DataTransformerConfig[] } {
  const data = sceneGraph.getData(panel);
  if (data instanceof SceneQueryRunner) {
    return { runner: data, transformations: [] };
  }
  if (data instanceof SceneDataTransformer) {
    const inner = data.state.$data;
    // Custom (function) transformers exist only in Pivot's code: a dashboard cannot carry them.
    const transformations = data.state.transformations.filter(
      (t): t is DataTransformerConfig => typeof t !== 'function'
    );
    return { runner: inner instanceof SceneQueryRunner ? inner : undefined, transformations };
  }
  return { transformations: [] };
}

/** What a Pivot panel would be in a dashboard (scene glue over the pure `toDashboardPanel`). */
export function dashboardPanelOf(panel: VizPanel): Panel {
  const { runner, transformations } = queryRunnerOf(panel);
  const source: PanelSource = {
    pluginId: panel.state.pluginId,
    title: panel.state.title,
    description: panel.state.description,
    options: panel.state.options as Record<string, unknown>,
    // The scene's field config (@grafana/data) and the dashboard's (@grafana/schema) are the same JSON.
    fieldConfig: panel.state.fieldConfig as Panel['fieldConfig'],
    datasource: runner?.state.datasource,
    queries: runner?.state.queries ?? [],
    transformations,
  };
  return toDashboardPanel(source, {
    interpolate: (text) => sceneGraph.interpolate(panel, text),
    resolveDataSource: (ref) => {
      const ds = getDataSourceSrv().getInstanceSettings(ref);
      return ds ? { uid: ds.uid, type: ds.type } : undefined;
    },
  });
}

/**
 * "Add to dashboard" in a panel's header: opens Grafana's own add-to-dashboard form with the
 * panel as a dashboard would hold it. Renders nothing where Grafana does not expose the form
 * (versions before it, or while it loads). Add it with `withAddToDashboard(panel)`.
 */
export class AddToDashboardButton extends SceneObjectBase<AddToDashboardButtonState> {
  constructor() {
    super({ isOpen: false });
  }

  public open = () => this.setState({ isOpen: true });
  public close = () => this.setState({ isOpen: false });

  public panel(): VizPanel | undefined {
    return this.parent instanceof VizPanel ? this.parent : undefined;
  }

  static Component = AddToDashboardButtonRenderer;
}

function AddToDashboardButtonRenderer({ model }: SceneComponentProps<AddToDashboardButton>) {
  const { isOpen } = model.useState();
  const { component: Form, isLoading } = usePluginComponent<AddToDashboardFormProps>(ADD_TO_DASHBOARD_FORM_ID);
  const panel = model.panel();
  // Hidden where Grafana lacks the form, and on panels of computed data (no query to save).
  if (isLoading || !Form || !panel || !queryRunnerOf(panel).runner) {
    return null;
  }
  return (
    <>
      <IconButton
        name="apps"
        size="sm"
        tooltip={t('pivot.add-to-dashboard.button', 'Add to dashboard')}
        onClick={model.open}
        data-testid={testIds.embedding.addToDashboard}
      />
      {isOpen && (
        // The title as the panel's header shows it (a verbatim title is a variable reference).
        <Modal
          title={t(
            'pivot.add-to-dashboard.title',
            'Add "{{title}}" to a dashboard',
            textValues({ title: panel.interpolate(panel.state.title, undefined, 'text') })
          )}
          isOpen
          onDismiss={model.close}
        >
          <AddToDashboardForm Form={Form} panel={panel} onClose={model.close} />
        </Modal>
      )}
    </>
  );
}

function AddToDashboardForm({
  Form,
  panel,
  onClose,
}: {
  Form: React.ComponentType<AddToDashboardFormProps>;
  panel: VizPanel;
  onClose: () => void;
}) {
  // Resolved when the form opens, so a data source that does not exist is said up front.
  let built: Panel;
  try {
    built = dashboardPanelOf(panel);
  } catch (e) {
    return (
      <Alert severity="error" title={t('pivot.add-to-dashboard.failed', 'This panel cannot be added to a dashboard')}>
        {errorMessage(e)}
      </Alert>
    );
  }
  return (
    <Form
      onClose={onClose}
      buildPanel={() => built}
      timeRange={sceneGraph.getTimeRange(panel).state.value}
      options={{ useAbsolutePath: true }}
    />
  );
}

function isSceneObject(value: unknown): value is SceneObject {
  return value instanceof SceneObjectBase;
}

/** Adds the "Add to dashboard" button to a panel's header actions, keeping the ones it has. */
export function withAddToDashboard(panel: VizPanel): VizPanel {
  const current = panel.state.headerActions;
  const existing: Array<SceneObject | React.ReactNode> =
    current === undefined ? [] : Array.isArray(current) ? current : [current];
  if (existing.some((a) => a instanceof AddToDashboardButton)) {
    return panel;
  }
  // headerActions holds either React nodes or scene objects: wrap nodes to keep them.
  const objects = existing.map((a) => (isSceneObject(a) ? a : new SceneReactObject({ reactNode: a })));
  panel.setState({ headerActions: [...objects, new AddToDashboardButton()] });
  return panel;
}
