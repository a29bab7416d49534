import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as config from '../../src/config';
// @ts-expect-error: a plain .mjs script without types
import { README, renderTable, tableIn, withTable } from '../../scripts/settings-table.mjs';

// README's configuration table is generated from the settings table; this fails when they differ.
describe('README configuration table', () => {
  const table: string = renderTable(config);

  it('is the one generated from the settings table (node scripts/settings-table.mjs --write)', () => {
    expect(tableIn(readFileSync(README, 'utf8'))).toBe(table.trimEnd());
  });

  it('has a line for every setting, naming its variable and file key', () => {
    for (const s of config.SETTINGS) {
      const line = table.split('\n').find((l) => l.includes(`\`${s.env ?? s.key ?? s.path}\``));
      expect(line, s.path).toBeDefined();
      if (s.env && s.key !== null) expect(line).toContain(`\`${s.key ?? s.path}\``);
    }
  });

  it('a changed row changes the table, and --write puts it back', () => {
    const rows = config.SETTINGS.map((s) => (s.path === 'errorThreshold' ? { ...s, default: 11 } : s));
    const changed: string = renderTable({ ...config, SETTINGS: rows });
    expect(changed).not.toBe(table);
    expect(changed).toContain('| `FAST_LITELLM_ERROR_THRESHOLD` | `errorThreshold` | an integer >= 1 | `11` |');
    const readme = readFileSync(README, 'utf8');
    expect(tableIn(withTable(readme, changed))).toBe(changed.trimEnd());
    expect(withTable(withTable(readme, changed), table)).toBe(readme);
  });
});
