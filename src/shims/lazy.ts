// A module loaded on first use. The patch tables name their replacements through these, so that
// loading the register costs the loader and the tables only: a feature's code loads when one of its
// rows applies (its package loaded, its feature on), never for a feature that stays off.
//
// The full API entry (src/index.ts) loads every such module anyway and hands them over (provide()),
// so a row and the app's own import always share one instance, whatever loaded the sources (the
// built CommonJS, or a test runner's own module graph).

export interface Lazy<M> {
  (): M;
  /** The module if something loaded it already (cleanup code must not load it just to close it). */
  loaded(): M | undefined;
}

const provided = new Map<string, unknown>();

export function provide(modules: Record<string, unknown>): void {
  for (const [id, mod] of Object.entries(modules)) provided.set(id, mod);
}

export function lazy<M>(id: string, load: () => M): Lazy<M> {
  let mod: M | undefined;
  const get = (() => (mod ??= (provided.get(id) as M | undefined) ?? load())) as Lazy<M>;
  get.loaded = () => mod ?? (provided.get(id) as M | undefined);
  return get;
}
