/**
 * jsdom, with a faster style cascade that gives exactly jsdom's answers.
 *
 * Why: jsdom 20 computes `getComputedStyle(el)` by matching every CSS rule of the page against
 * the element, and resolves `visibility` (inherited) by doing it again for each ancestor, with
 * no cache. Testing Library's role queries call it for every candidate element and its
 * ancestors, so one `getAllByRole` over a page of Grafana UI (~270 emotion rules, ~100
 * elements) cost 0.5 to 1 s of CPU: the page tests spent most of their time there, long enough
 * to miss `findBy*` and jest timeouts on a busy machine. Two changes, both exact:
 *
 * - Rule matching skips a rule at once when its selector's subject names a class the element
 *   does not have (emotion rules are `.css-…` selectors); any other selector goes to jsdom's
 *   own matcher (nwsapi).
 * - The rules found for an element, and its computed style, are kept until the next microtask
 *   or until anything changes that could change which rules match: a DOM mutation (jsdom bumps
 *   the document's version), a style sheet or rule added or removed, the focused element, an
 *   event dispatched, or a form control's checked/selected/value set. Role queries are
 *   synchronous, so they get the full benefit.
 *
 * Only for the jsdom version this was written against; any other gets plain jsdom.
 */
const JSDOMEnvironment = require('jest-environment-jsdom').TestEnvironment;
// Load jsdom whole first: its internal modules require each other in an order that only holds
// when entered from the top.
require('jsdom');

const JSDOM_VERSION = require('jsdom/package.json').version;
const SUPPORTED = /^20\./.test(JSDOM_VERSION);

const jsdomPath = (path) => `jsdom/lib/jsdom/${path}`;

/** While set, jsdom's own code runs unchanged: tests compare the two (src/testing/jsdomEnvironment.test.ts). */
let plain = false;

/** Bumped by anything that changes a pseudo-class state without a DOM mutation. */
let stateVersion = 0;
let cache = new WeakMap();
let cacheKey = '';
let clearQueued = false;

function bumpState() {
  stateVersion++;
}

function sheetSignature(documentImpl) {
  let rules = 0;
  const sheets = documentImpl.styleSheets._list;
  for (const sheet of sheets) {
    rules += sheet.cssRules.length;
  }
  return `${sheets.length}:${rules}`;
}

const ids = new WeakMap();
let lastId = 0;
/** A number per object, for cache keys. */
function idOf(object) {
  if (!ids.has(object)) {
    ids.set(object, ++lastId);
  }
  return ids.get(object);
}

function currentKey(documentImpl) {
  const focused = documentImpl._lastFocusedElement;
  const focus = focused ? idOf(focused) : '';
  return `${documentImpl._version}|${stateVersion}|${sheetSignature(documentImpl)}|${focus}`;
}

/** The memo for the document's current state: a new one when the key changed or a microtask passed. */
function cacheFor(documentImpl) {
  const key = currentKey(documentImpl);
  if (key !== cacheKey) {
    cache = new WeakMap();
    cacheKey = key;
  }
  if (!clearQueued) {
    clearQueued = true;
    queueMicrotask(() => {
      clearQueued = false;
      cache = new WeakMap();
      cacheKey = '';
    });
  }
  return cache;
}

/** Memo entries of one element: matched rules and computed style. */
function entryFor(elementImpl) {
  const byElement = cacheFor(elementImpl._ownerDocument);
  let entry = byElement.get(elementImpl);
  if (!entry) {
    entry = {};
    byElement.set(elementImpl, entry);
  }
  return entry;
}

/** Connected elements only: detached trees change without bumping the document's version. */
function cacheable(elementImpl) {
  return Boolean(elementImpl && elementImpl._ownerDocument && elementImpl.isConnected);
}

function memoiseRuleMatching() {
  const styleRules = require(jsdomPath('living/helpers/style-rules.js'));
  const forEachMatchingRule = styleRules.forEachMatchingSheetRuleOfElement;
  // jsdom's cascade (getResolvedValue) calls this through `exports`, so replacing it reaches it.
  styleRules.forEachMatchingSheetRuleOfElement = (elementImpl, handleRule) => {
    if (plain || !cacheable(elementImpl)) {
      forEachMatchingRule(elementImpl, handleRule);
      return;
    }
    const entry = entryFor(elementImpl);
    if (!entry.rules) {
      const rules = [];
      forEachMatchingRule(elementImpl, (rule) => rules.push(rule));
      entry.rules = rules;
    }
    entry.rules.forEach(handleRule);
  };
}

function bumpOnEvents() {
  const EventTargetImpl = require(jsdomPath('living/events/EventTarget-impl.js')).implementation;
  const dispatch = EventTargetImpl.prototype._dispatch;
  EventTargetImpl.prototype._dispatch = function (...args) {
    bumpState();
    try {
      return dispatch.apply(this, args);
    } finally {
      bumpState();
    }
  };
}

/** Pseudo-classes such as :checked and :placeholder-shown read these properties, not attributes. */
function bumpOnSet(path, properties) {
  const proto = require(jsdomPath(path)).implementation.prototype;
  for (const property of properties) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, property);
    if (descriptor && descriptor.set) {
      Object.defineProperty(proto, property, {
        ...descriptor,
        set(value) {
          bumpState();
          descriptor.set.call(this, value);
        },
      });
    }
  }
}

/**
 * For each comma-separated part of a selector, the classes its subject (rightmost compound)
 * requires; null when the selector is not simple enough to say (escapes, functions,
 * attributes, strings) or some part's subject names no class.
 */
function subjectClasses(selector) {
  if (typeof selector !== 'string' || /[\\()[\]"']/.test(selector)) {
    return null;
  }
  const parts = selector.split(',').map((part) => {
    const compounds = part.trim().split(/\s*[\s>+~]\s*/);
    const subject = compounds[compounds.length - 1];
    // A class token runs to the next delimiter, so it is the whole class name.
    return Array.from(subject.matchAll(/\.([^.:#\s>+~]+)/g), (m) => m[1]);
  });
  return parts.every((classes) => classes.length > 0) ? parts : null;
}

/** A class-based early "no" in front of jsdom's matcher for style rules (nwsapi). */
function prefilterRuleMatching(documentImpl, implSymbol) {
  const { matchesDontThrow } = require(jsdomPath('living/helpers/selectors.js'));
  // jsdom creates the matcher it uses for style rules on first use: create it now to wrap it.
  matchesDontThrow(documentImpl.documentElement, '*');
  const matcher = documentImpl._nwsapiDontThrow;
  const match = matcher.match;
  const bySelector = new Map();
  const classesOf = new WeakMap();
  /** The element's classes, split once per value of its class attribute. */
  const classSet = (impl) => {
    const value = impl.getAttributeNS(null, 'class') ?? '';
    let known = classesOf.get(impl);
    if (!known || known.value !== value) {
      known = { value, classes: new Set(value.split(/[\t\n\f\r ]+/)) };
      classesOf.set(impl, known);
    }
    return known.classes;
  };
  matcher.match = function (selector, element, ...rest) {
    // Class names match case-insensitively in quirks mode: no shortcut there.
    const impl = element && element[implSymbol];
    if (!plain && impl && documentImpl.compatMode === 'CSS1Compat') {
      let parts = bySelector.get(selector);
      if (parts === undefined) {
        parts = subjectClasses(selector);
        bySelector.set(selector, parts);
      }
      if (parts) {
        const present = classSet(impl);
        if (!parts.some((classes) => classes.every((c) => present.has(c)))) {
          return false;
        }
      }
    }
    return match.call(this, selector, element, ...rest);
  };
}

/** The computed style of a connected element, kept like the matched rules. */
function memoiseComputedStyle(window, implSymbol) {
  const getComputedStyle = window.getComputedStyle;
  window.getComputedStyle = function (element, pseudoElement) {
    const impl = element && element[implSymbol];
    if (plain || pseudoElement || !cacheable(impl)) {
      return getComputedStyle.call(window, element, pseudoElement);
    }
    const entry = entryFor(impl);
    entry.style ??= getComputedStyle.call(window, element);
    return entry.style;
  };
}

if (SUPPORTED) {
  memoiseRuleMatching();
  bumpOnEvents();
  bumpOnSet('living/nodes/HTMLInputElement-impl.js', ['checked', 'indeterminate', 'value']);
  bumpOnSet('living/nodes/HTMLOptionElement-impl.js', ['selected']);
  bumpOnSet('living/nodes/HTMLSelectElement-impl.js', ['value', 'selectedIndex']);
  bumpOnSet('living/nodes/HTMLTextAreaElement-impl.js', ['value']);
}

class FastStyleEnvironment extends JSDOMEnvironment {
  constructor(config, context) {
    super(config, context);
    if (!SUPPORTED) {
      return;
    }
    const { implSymbol } = require(jsdomPath('living/generated/utils.js'));
    const window = this.dom.window;
    prefilterRuleMatching(window.document[implSymbol], implSymbol);
    memoiseComputedStyle(window, implSymbol);
    window[Symbol.for('pivot.jsdom.plainStyles')] = (run) => {
      plain = true;
      try {
        return run();
      } finally {
        plain = false;
      }
    };
  }
}

module.exports = FastStyleEnvironment;
