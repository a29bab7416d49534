// `fast-litellm status`: installed versions found from a project's directory vs the patch tables.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { statusCommand } from '../../src/cli/status';
import { litellmTable } from '../../src/shims/litellm';
import { openaiTable } from '../../src/shims/openai';
import { cleanEnv, project, root } from './helpers';

async function status(dir: string, env = cleanEnv(), json = true) {
  let out = '';
  const code = await statusCommand(['--dir', dir, ...(json ? ['--json'] : [])], { out: (s) => (out += s), err: () => undefined }, env);
  return { code, out, doc: json ? JSON.parse(out) : undefined };
}

const version = (name: string) => require(join(root, 'node_modules', name, 'package.json')).version;

describe('fast-litellm status', () => {
  it('a project with litellm: its version and the SDK litellm resolves, every supported row accelerated', async () => {
    const dir = project({ litellm: join(root, 'node_modules', 'litellm') });
    const { code, doc } = await status(dir);
    expect(code).toBe(0);
    const pkgs = Object.fromEntries(doc.packages.map((p: any) => [p.name, p]));
    expect(pkgs.litellm.copies).toEqual([{ version: '0.12.0', dir: join(root, 'node_modules', 'litellm'), from: 'project' }]);
    // The project has no openai of its own: the copy litellm loads is the one found.
    expect(pkgs.openai.copies).toEqual([{ version: version('openai'), dir: join(root, 'node_modules', 'openai'), from: 'litellm' }]);
    expect(pkgs.litellm.supported).toEqual([...new Set(litellmTable.rows.map((r) => r.versions))]);
    expect(pkgs.openai.supported).toEqual([...new Set(openaiTable.rows.map((r) => r.versions))]);
    const byId = Object.fromEntries(doc.rows.map((r: any) => [r.id, r]));
    expect(byId['litellm.countTokens']).toMatchObject({ verdict: 'accelerated', mode: 'on', feature: 'token_counting' });
    expect(byId['litellm.completion.rateLimit']).toMatchObject({ verdict: 'skipped', reason: expect.stringContaining('until a limit is set') });
    expect(doc.config).toMatchObject({ ok: true, disabled: false });
  });

  it('limits and feature modes from the environment change what would run', async () => {
    const dir = project({ litellm: join(root, 'node_modules', 'litellm') });
    const { doc } = await status(dir, cleanEnv({ FAST_LITELLM_RPM: '60', FAST_LITELLM_STREAMING: 'off', FAST_LITELLM_TOKEN_COUNTING: 'shadow' }));
    const byId = Object.fromEntries(doc.rows.map((r: any) => [r.id, r]));
    expect(byId['litellm.completion.rateLimit'].verdict).toBe('accelerated');
    expect(byId['openai.Stream.fromSSEResponse']).toMatchObject({ verdict: 'skipped', reason: 'feature streaming is off (FAST_LITELLM_STREAMING)' });
    expect(byId['litellm.toUsage']).toMatchObject({ verdict: 'accelerated', mode: 'shadow' });
    const human = (await status(dir, cleanEnv({ FAST_LITELLM_DISABLE: 'true' }), false)).out;
    expect(human).toContain('Would be accelerated (0 of');
    expect(human).toContain('because FAST_LITELLM_DISABLE turns every feature off');
  });

  it('an unsupported litellm: every litellm row skipped with the range, the SDK rows still listed', async () => {
    const { doc, out } = await (async () => {
      const j = await status(join(root, 'test/fixtures/unsupported'));
      const h = await status(join(root, 'test/fixtures/unsupported'), cleanEnv(), false);
      return { doc: j.doc, out: h.out };
    })();
    const lite = doc.packages.find((p: any) => p.name === 'litellm');
    expect(lite).toMatchObject({ ok: false, copies: [expect.objectContaining({ version: '0.13.2' })] });
    const rows = doc.rows.filter((r: any) => r.package === 'litellm');
    expect(rows.every((r: any) => r.verdict === 'skipped' && r.reason === 'litellm 0.13.2 is outside the supported range >=0.12.0 <0.13.0')).toBe(true);
    expect(out).toMatch(/litellm +0\.13\.2 +>=0\.12\.0 <0\.13\.0 +<- unsupported/);
    expect(out).toContain(`all ${rows.length} litellm rows`);
  });

  it('nothing installed: every row skipped as not installed', async () => {
    const { doc, out } = { ...(await status(project({}))), out: (await status(project({}), cleanEnv(), false)).out };
    expect(doc.packages.every((p: any) => p.copies.length === 0)).toBe(true);
    expect(doc.rows.every((r: any) => r.verdict === 'skipped' && r.reason.endsWith('is not installed'))).toBe(true);
    expect(out).toMatch(/litellm +not installed/);
    expect(out).toContain('  nothing');
  });

  it('an invalid setting is reported, not thrown', async () => {
    const { code, doc } = await status(project({}), cleanEnv({ FAST_LITELLM_RPM: 'lots' }));
    expect(code).toBe(0);
    expect(doc.config).toEqual({ ok: false, error: expect.stringContaining('FAST_LITELLM_RPM') });
  });
});
