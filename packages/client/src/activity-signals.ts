import { ACTIVITY_EVENTS } from './activity.ts';
import type { ActivitySource } from './types.ts';

// Passive: never delays scrolling. Capture: also sees scrolls of inner elements, which don't bubble.
const LISTENER_OPTIONS: AddEventListenerOptions = { passive: true, capture: true };

/** Where the monitor hears that someone is there: the page's DOM events, or what the app feeds it. */
export interface ActivitySignals {
  /** Start calling `activity` on user activity and `visible` when the app is back in view; returns the stop function. */
  listen(handlers: { activity: () => void; visible: () => void }): () => void;
}

/** The page's mouse, keyboard, scroll and touch events, and its visibility. */
export function domSignals(
  target: EventTarget,
  visibility: EventTarget & { readonly visibilityState: string },
): ActivitySignals {
  return {
    listen({ activity, visible }) {
      const onVisibilityChange = () => {
        if (visibility.visibilityState === 'visible') visible();
      };
      for (const type of ACTIVITY_EVENTS) target.addEventListener(type, activity, LISTENER_OPTIONS);
      visibility.addEventListener('visibilitychange', onVisibilityChange);
      return () => {
        for (const type of ACTIVITY_EVENTS) target.removeEventListener(type, activity, LISTENER_OPTIONS);
        visibility.removeEventListener('visibilitychange', onVisibilityChange);
      };
    },
  };
}

/** Activity the app feeds (React Native, Node): no DOM is touched. */
export function fedSignals(source: ActivitySource): ActivitySignals {
  return {
    listen({ activity }) {
      const stop = source.subscribe(() => activity());
      return typeof stop === 'function' ? stop : () => undefined;
    },
  };
}

/**
 * The monitor's signals: the app's own when it feeds them, a page's events in a browser, and
 * none elsewhere (no monitor: Node, or React Native without `activity`).
 */
export function activitySignals(
  source: ActivitySource | undefined,
  page: boolean,
): ActivitySignals | undefined {
  if (source) return fedSignals(source);
  return page ? domSignals(window, document) : undefined;
}
