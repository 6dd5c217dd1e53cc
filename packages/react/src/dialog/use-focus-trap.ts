import { type RefObject, useEffect, useRef } from 'react';
import { focusableIn } from './focusable.ts';
import { hideOthers } from './hide-others.ts';
import { isTopLayer, pushLayer } from './layer-stack.ts';

export interface FocusTrapOptions {
  /** Receives focus on open. @default the first focusable element, else the container */
  initialFocus?: RefObject<HTMLElement | null> | undefined;
  /** Receives focus on close when the element focused before opening is gone. */
  finalFocus?: RefObject<HTMLElement | null> | undefined;
  /** Called when Escape is pressed in the top layer. */
  onEscape?: (() => void) | undefined;
  /** Make everything outside this element inert while active (modal behaviour). */
  modalLayer?: RefObject<HTMLElement | null> | undefined;
}

/**
 * While `active`, keeps Tab and Shift+Tab cycling inside `container`, pulls focus back if it
 * escapes, and on deactivation returns focus to the element that had it before.
 */
export function useFocusTrap(
  container: RefObject<HTMLElement | null>,
  active: boolean,
  options: FocusTrapOptions = {},
): void {
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  useEffect(() => {
    const node = container.current;
    if (!active || !node) return;
    const doc = node.ownerDocument;
    const previouslyFocused = doc.activeElement instanceof HTMLElement ? doc.activeElement : null;
    const popLayer = pushLayer(node);
    // Captured before the page goes inert: browsers blur a focused element that becomes inert.
    const layer = latest.current.modalLayer?.current;
    const restoreOthers = layer ? hideOthers(layer) : () => {};

    const focusFirst = () => {
      const target = latest.current.initialFocus?.current ?? focusableIn(node)[0] ?? node;
      target.focus();
    };
    focusFirst();

    const onKeyDown = (event: KeyboardEvent) => {
      if (!isTopLayer(node)) return;
      if (event.key === 'Escape') {
        event.stopPropagation();
        latest.current.onEscape?.();
        return;
      }
      if (event.key !== 'Tab') return;
      const items = focusableIn(node);
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) {
        event.preventDefault();
        return;
      }
      const current = doc.activeElement;
      if (event.shiftKey && (current === first || !node.contains(current))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (current === last || !node.contains(current))) {
        event.preventDefault();
        first.focus();
      }
    };
    // Focus that lands outside (a click on the backdrop, a script) is brought back in.
    const onFocusIn = (event: FocusEvent) => {
      if (isTopLayer(node) && event.target instanceof Node && !node.contains(event.target)) focusFirst();
    };

    node.addEventListener('keydown', onKeyDown);
    doc.addEventListener('focusin', onFocusIn);
    return () => {
      node.removeEventListener('keydown', onKeyDown);
      doc.removeEventListener('focusin', onFocusIn);
      popLayer();
      // The page must be interactive again before focus can return to it.
      restoreOthers();
      const target = previouslyFocused?.isConnected ? previouslyFocused : latest.current.finalFocus?.current;
      target?.focus();
    };
  }, [active, container]);
}
