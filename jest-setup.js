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
}
