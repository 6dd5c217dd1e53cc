/**
 * Open modal layers, innermost last. Only the top layer traps focus and answers Escape, so a
 * confirmation opened from another dialog behaves like its own modal.
 */
const stack: HTMLElement[] = [];

export function pushLayer(layer: HTMLElement): () => void {
  stack.push(layer);
  return () => {
    const index = stack.lastIndexOf(layer);
    if (index >= 0) stack.splice(index, 1);
  };
}

export function isTopLayer(layer: HTMLElement): boolean {
  return stack[stack.length - 1] === layer;
}
