import React from 'react';
import { render, screen } from '@testing-library/react';
import { t, Trans } from '@grafana/i18n';
import { textValues } from './i18nValues';

const name = `a<b & "c" / d'`;

describe('translated text with values', () => {
  it('t() with textValues gives the value as written, not HTML-escaped', () => {
    expect(t('pivot.test.value', 'Service {{name}} is down', textValues({ name }))).toBe(`Service ${name} is down`);
  });

  it('t() without it HTML-escapes the value (why textValues exists)', () => {
    expect(t('pivot.test.value', 'Service {{name}} is down', { name })).not.toBe(`Service ${name} is down`);
  });

  it('<Trans> renders values and markup as text and elements', () => {
    render(
      <p data-testid="text">
        <Trans i18nKey="pivot.test.markup" values={{ name }}>
          Service <strong>{'{{name}}'}</strong> is down
        </Trans>
      </p>
    );
    expect(screen.getByTestId('text')).toHaveTextContent(`Service ${name} is down`);
    expect(screen.getByText(name).tagName).toBe('STRONG');
  });
});
