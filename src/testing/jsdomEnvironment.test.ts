/**
 * The test environment (jest-environment.js) speeds up jsdom's style cascade by memoising and
 * by skipping rules whose subject class the element lacks. Its answers must be jsdom's: random
 * pages, style sheets and changes, compared after every change (with no await in between, so
 * the memo is live) against jsdom's own code on the same document.
 */
import fc from 'fast-check';
import { screen } from '@testing-library/react';

type PlainStyles = <T>(run: () => T) => T;
const plainStyles = (globalThis as unknown as Record<symbol, PlainStyles | undefined>)[
  Symbol.for('pivot.jsdom.plainStyles')
];

// Few names, so generated selectors often match generated elements.
const CLASSES = ['a', 'b-c', 'd_1'];
const TAGS = ['div', 'button', 'input'];
// Mostly plain compounds (as emotion writes them), so generated rules often apply.
const PSEUDOS = ['', '', '', '', ':hover', ':focus', ':checked', ':disabled', ':first-child', '::before'];
const EXTRAS = ['', '', '', '', '', '', '[hidden]', ':not(.a)', '#n1'];
const DECLARATIONS = [
  'display: none',
  'display: block',
  'visibility: hidden',
  'visibility: visible',
  'color: red',
  'opacity: 0.5',
];

const compound = fc
  .record({
    tag: fc.constantFrom('', '', '', ...TAGS, '*'),
    classes: fc.subarray(CLASSES, { maxLength: 2 }),
    pseudo: fc.constantFrom(...PSEUDOS),
    extra: fc.constantFrom(...EXTRAS),
  })
  .map(({ tag, classes, pseudo, extra }) => `${tag}${classes.map((c) => `.${c}`).join('')}${extra}${pseudo}` || '*');

const selector = fc
  .array(fc.tuple(fc.constantFrom(' ', ' > ', ' + ', ' ~ ', '>'), compound), { minLength: 0, maxLength: 2 })
  .chain((rest) => compound.map((first) => first + rest.map(([c, s]) => c + s).join('')));

const rule = fc
  .record({
    selectors: fc.array(selector, { minLength: 1, maxLength: 3 }),
    declarations: fc.subarray(DECLARATIONS, { minLength: 1, maxLength: 3 }),
    media: fc.constantFrom('', '', '', '', 'screen', 'print'),
  })
  .map(({ selectors, declarations, media }) => {
    const text = `${selectors.join(', ')} { ${declarations.join('; ')} }`;
    return media ? `@media ${media} { ${text} }` : text;
  });

const nodeSpec = fc.record({
  tag: fc.constantFrom(...TAGS),
  classes: fc.subarray(CLASSES),
  parent: fc.nat(),
  hidden: fc.boolean(),
  checkbox: fc.boolean(),
});

const change = fc.oneof(
  fc.record({ kind: fc.constant('toggleClass' as const), node: fc.nat(), cls: fc.constantFrom(...CLASSES) }),
  fc.record({ kind: fc.constant('remove' as const), node: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), node: fc.nat(), spec: nodeSpec }),
  fc.record({ kind: fc.constant('focus' as const), node: fc.nat() }),
  fc.record({ kind: fc.constant('check' as const), node: fc.nat() }),
  fc.record({ kind: fc.constant('click' as const), node: fc.nat() }),
  fc.record({
    kind: fc.constant('inlineStyle' as const),
    node: fc.nat(),
    declaration: fc.constantFrom(...DECLARATIONS),
  }),
  fc.record({ kind: fc.constant('insertRule' as const), rule }),
  fc.record({ kind: fc.constant('deleteRule' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('styleElement' as const), rule })
);

type Change = typeof change extends fc.Arbitrary<infer C> ? C : never;

function createNode(
  spec: { tag: string; classes: string[]; hidden: boolean; checkbox: boolean },
  id: number
): HTMLElement {
  const el = document.createElement(spec.tag);
  if (el instanceof HTMLInputElement && spec.checkbox) {
    el.type = 'checkbox';
  }
  el.id = `n${id}`;
  if (spec.classes.length) {
    el.className = spec.classes.join(' ');
  }
  el.hidden = spec.hidden;
  return el;
}

function apply(c: Change, nodes: HTMLElement[], sheet: CSSStyleSheet) {
  const node = 'node' in c ? nodes[c.node % nodes.length] : undefined;
  switch (c.kind) {
    case 'toggleClass':
      node?.classList.toggle(c.cls);
      break;
    case 'remove':
      node?.remove();
      break;
    case 'append': {
      const child = createNode(c.spec, nodes.length);
      node?.appendChild(child);
      nodes.push(child);
      break;
    }
    case 'focus':
      node?.focus();
      break;
    case 'check':
      if (node instanceof HTMLInputElement) {
        node.checked = !node.checked;
      }
      break;
    case 'click':
      node?.click();
      break;
    case 'inlineStyle':
      node?.setAttribute('style', c.declaration);
      break;
    case 'insertRule':
      try {
        sheet.insertRule(c.rule, sheet.cssRules.length);
      } catch {
        // jsdom refuses some generated rules, as a browser would: nothing changed.
      }
      break;
    case 'deleteRule':
      if (sheet.cssRules.length) {
        sheet.deleteRule(c.index % sheet.cssRules.length);
      }
      break;
    case 'styleElement': {
      const style = document.createElement('style');
      style.textContent = c.rule;
      document.head.appendChild(style);
      break;
    }
  }
}

const PROPERTIES = ['display', 'visibility', 'color', 'opacity'] as const;

/** What a page test can observe: every element's computed style and the role queries' answers. */
function observe() {
  const styles = Array.from(document.body.querySelectorAll('*'), (el) => {
    const style = getComputedStyle(el);
    return [el.id, style.cssText, ...PROPERTIES.map((p) => style.getPropertyValue(p))];
  });
  const roles = ['button', 'textbox', 'checkbox'].map((role) => screen.queryAllByRole(role).map((el) => el.id));
  return { styles, roles };
}

describe('the jest environment', () => {
  it('is the fast one (jest.config.js points at jest-environment.js)', () => {
    expect(typeof plainStyles).toBe('function');
  });

  it.each([
    ['a list whose second part matches', '.x, .b-c { display: none }', '<div id="t" class="b-c"></div>'],
    ['a descendant selector', '.a .b-c { display: none }', '<div class="a"><div id="t" class="b-c"></div></div>'],
    ['a child selector', '.a>.b-c { visibility: hidden }', '<div class="a"><div id="t" class="b-c"></div></div>'],
    ['an inherited visibility', '.a { visibility: hidden }', '<div class="a"><span><span id="t"></span></span></div>'],
    ['a class the element lacks', '.a.b-c { display: none }', '<div id="t" class="a"></div>'],
    ['a pseudo-class', '.a:not(.b-c) { display: none }', '<div id="t" class="a"></div>'],
  ])('matches %s as jsdom does', (_, css, html) => {
    document.head.innerHTML = `<style>${css}</style>`;
    document.body.innerHTML = html;
    const target = document.getElementById('t')!;
    expect(getComputedStyle(target).cssText).toBe(plainStyles!(() => getComputedStyle(target).cssText));
    expect(getComputedStyle(target).cssText).toMatch(
      /display: none|visibility: hidden|^display: block; visibility: visible;$/
    );
  });

  it('sees a checkbox change state on click, with no await in between', () => {
    document.head.innerHTML = '<style>input:checked { display: none }</style>';
    document.body.innerHTML = '<input id="t" type="checkbox">';
    const box = document.getElementById('t') as HTMLInputElement;
    expect(getComputedStyle(box).display).toBe('inline-block');
    box.click();
    expect(getComputedStyle(box).display).toBe('none');
  });

  it("computes every style and role query exactly as jsdom's own code, after every change", () => {
    const run = plainStyles!;
    fc.assert(
      fc.property(
        fc.array(rule, { maxLength: 8 }),
        fc.array(nodeSpec, { minLength: 1, maxLength: 8 }),
        fc.array(change, { maxLength: 6 }),
        (rules, specs, changes) => {
          document.head.innerHTML = '';
          document.body.innerHTML = '';
          const style = document.createElement('style');
          style.textContent = rules.join('\n');
          document.head.appendChild(style);
          const sheet = style.sheet as CSSStyleSheet;
          const nodes: HTMLElement[] = [];
          specs.forEach((spec, i) => {
            const el = createNode(spec, i);
            (i === 0 ? document.body : nodes[spec.parent % i]).appendChild(el);
            nodes.push(el);
          });
          expect(observe()).toEqual(run(observe));
          for (const c of changes) {
            apply(c, nodes, sheet);
            expect(observe()).toEqual(run(observe));
          }
        }
      ),
      { numRuns: 40 }
    );
  });
});
