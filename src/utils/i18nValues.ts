/**
 * Values for `t()`. i18next HTML-escapes interpolated values by default, for output that goes
 * into innerHTML; React escapes the text it renders itself, so escaping first would show a
 * service named `a&b` as `a&amp;b`. Every `t()` with values whose result React renders (or
 * that ends up in a title or message) passes them through here. `<Trans>` needs nothing.
 */
export function textValues<T extends Record<string, unknown>>(
  values: T
): T & { interpolation: { escapeValue: false } } {
  return { ...values, interpolation: { escapeValue: false } };
}
