import type { PanelData } from '@grafana/data';
import { SceneDataNode, SceneObject, SceneObjectState } from '@grafana/scenes';

/**
 * What a scene object that computes a panel's data keeps in its state. Declare the key in the
 * initial state (`derivedData: undefined`): the node looks for the key.
 */
export interface DerivedDataOwnerState extends SceneObjectState {
  /** The panel data computed from the object's query answers (the node graph's frames). */
  derivedData?: PanelData;
}

/**
 * A panel's data computed by a scene object above it (the node graph's frames, built from the
 * query answers by pure functions), read through the scene graph: the node follows the
 * `derivedData` of its nearest ancestor that keeps one. The owner sets only its own state,
 * never its child's, and a clone of the owner (which copies `derivedData`) draws the same.
 */
export class DerivedDataNode extends SceneDataNode {
  constructor(state: ConstructorParameters<typeof SceneDataNode>[0] = {}) {
    super(state);
    this.addActivationHandler(() => {
      const owner = derivedDataOwner(this);
      if (!owner) {
        return;
      }
      // Reads the owner's current state, not the change's: an owner that sets its state again
      // while handling a change (a new focus, then its frames) notifies with the older state last.
      const follow = () => {
        const data = owner.state.derivedData;
        if (data && data !== this.state.data) {
          this.setState({ data });
        }
      };
      follow();
      const sub = owner.subscribeToState(follow);
      return () => sub.unsubscribe();
    });
  }
}

function derivedDataOwner(node: SceneObject): SceneObject<DerivedDataOwnerState> | undefined {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if ('derivedData' in parent.state) {
      return parent as SceneObject<DerivedDataOwnerState>;
    }
  }
  return undefined;
}
