// Deployment ids equal to LiteLLM's: expected values computed by LiteLLM's own _generate_model_id
// (ported verbatim into fixtures/ids.py, MIT, BerriAI/litellm router.py) over the same configs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploymentId, pyFloat, toDeployment } from '../../src/accelerators/router';

const cases = readFileSync(join(__dirname, 'fixtures', 'ids.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('deployment ids', () => {
  it.each(cases.map((c) => [c.model_name, c]))('%s: the id LiteLLM computes', (_name, c) => {
    expect(deploymentId(c.model_name, c.litellm_params)).toBe(c.id);
  });

  it('model_info.id wins, and a number id becomes its string', () => {
    expect(toDeployment({ model_name: 'g', litellm_params: { model: 'm' }, model_info: { id: 'mine' } }).id).toBe('mine');
    expect(toDeployment({ model_name: 'g', litellm_params: { model: 'm' }, model_info: { id: 1 } }).id).toBe('1');
  });

  it('Python float repr', () => {
    const py: [number, string][] = [[0.1, '0.1'], [1e-5, '1e-05'], [1.5e-7, '1.5e-07'], [123456.789, '123456.789'],
      [1e22, '1e+22'], [0.0001, '0.0001'], [2, '2.0'], [-0.5, '-0.5'], [1 / 3, '0.3333333333333333']];
    for (const [x, s] of py) expect(pyFloat(x)).toBe(s);
  });
});
