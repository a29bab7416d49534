import type { ErrorInfo } from './errors';
import type { FallbackList, RouterSettings } from './types';

// Which groups a failed group falls back to (LiteLLM's get_fallback_model_group and
// async_function_with_fallbacks_common_utils, in their order).

/** The chain for `group` in a fallbacks list: an exact key, else the group without its `provider/`, else `*`. */
export function chainFor(list: FallbackList, group: string, generic = true): string[] | undefined {
  let stripped: string[] | undefined;
  let star: string[] | undefined;
  const slash = group.indexOf('/');
  const bare = slash > 0 ? group.slice(slash + 1) : undefined;
  for (const item of list) {
    const key = Object.keys(item)[0];
    if (key === group) return item[key];
    if (bare !== undefined && key === bare) stripped = item[key];
    else if (key === '*') star ??= item[key];
  }
  return stripped ?? (generic ? star : undefined);
}

export interface FallbackLists {
  fallbacks: FallbackList;
  context_window_fallbacks: FallbackList;
  content_policy_fallbacks: FallbackList;
}

/**
 * The groups to try after `group` failed with `e`: a context-window error takes the
 * context_window_fallbacks when any are set (and stops there when none names the group), a
 * content-policy error the content_policy_fallbacks; everything else, and those two when their list
 * is empty, the generic fallbacks.
 */
export function fallbacksAfter(e: ErrorInfo, group: string, lists: FallbackLists): string[] {
  if (e.kind === 'context_window' && lists.context_window_fallbacks.length > 0) {
    return chainFor(lists.context_window_fallbacks, group, false) ?? [];
  }
  if (e.kind === 'content_policy' && lists.content_policy_fallbacks.length > 0) {
    return chainFor(lists.content_policy_fallbacks, group, false) ?? [];
  }
  return chainFor(lists.fallbacks, group) ?? [];
}

/** Per-call lists (a request may pass its own fallbacks) over the router's. */
export function listsFor(settings: RouterSettings, request: Partial<FallbackLists>): FallbackLists {
  return {
    fallbacks: request.fallbacks ?? settings.fallbacks,
    context_window_fallbacks: request.context_window_fallbacks ?? settings.context_window_fallbacks,
    content_policy_fallbacks: request.content_policy_fallbacks ?? settings.content_policy_fallbacks,
  };
}
