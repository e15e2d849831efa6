// Tests that start real processes run under `@jest-environment node`, where the scaffold's
// DOM setup cannot load; every other test gets it.
if (typeof window !== 'undefined') {
  require('./.config/jest-setup');

  // Scenes use IntersectionObserver to defer queries for panels out of view. jsdom has none:
  // report every observed element as visible so queries run in tests.
  class VisibleIntersectionObserver {
    constructor(callback) {
      this.callback = callback;
    }
    observe(target) {
      this.callback([{ isIntersecting: true, target, intersectionRatio: 1 }], this);
    }
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  }
  global.IntersectionObserver = VisibleIntersectionObserver;

  // `findBy*` and `waitFor` give up after 1 s by default, which a busy machine can spend
  // rendering a page of Grafana UI: tests failed that way while the element was on its way.
  // Every wait in these tests is for something an event brings (the fake data sources answer
  // at once, no app code uses timers), so this limit is only a safety net for an element that
  // never comes, and stays under jest's 30 s testTimeout so RTL's message (with the DOM) is
  // the one reported.
  require('@testing-library/react').configure({ asyncUtilTimeout: 20000 });

  // Translations as the app starts them (src/i18n.ts), in the plugin's namespace. No locale
  // file is loaded: t() and <Trans> give the English defaults written in the code.
  beforeAll(() => require('@grafana/i18n').initPluginTranslations(require('./src/plugin.json').id));

  // Grafana hands its hooks to the runtime when it starts; until then usePluginComponent
  // throws. Every test starts in a Grafana where no plugin exposes a component (so no
  // Add-to-dashboard form); a test that needs one installs it with setPluginComponentHook.
  beforeEach(() => require('@grafana/runtime').setPluginComponentHook(() => ({ component: null, isLoading: false })));
}
