/**
 * Makes everything outside `layer` inert and hidden from assistive technology while a modal
 * is open (what `aria-modal` promises), and undoes exactly what it changed afterwards.
 */
export function hideOthers(layer: HTMLElement): () => void {
  const changed: Array<{ element: Element; ariaHidden: string | null; inert: boolean }> = [];
  for (const element of Array.from(layer.ownerDocument.body.children)) {
    if (element === layer || element.contains(layer) || element.tagName === 'SCRIPT') continue;
    changed.push({
      element,
      ariaHidden: element.getAttribute('aria-hidden'),
      inert: element.hasAttribute('inert'),
    });
    element.setAttribute('aria-hidden', 'true');
    element.setAttribute('inert', '');
  }
  return () => {
    for (const { element, ariaHidden, inert } of changed.reverse()) {
      if (ariaHidden === null) element.removeAttribute('aria-hidden');
      else element.setAttribute('aria-hidden', ariaHidden);
      if (!inert) element.removeAttribute('inert');
    }
  };
}
