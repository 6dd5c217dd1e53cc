import { type ReactNode, type RefObject, useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useFocusTrap } from './use-focus-trap.ts';

export interface DialogProps {
  open: boolean;
  /** Called with `false` when the user dismisses the dialog (Escape). */
  onOpenChange: (open: boolean) => void;
  /** id of the element that names the dialog (its title). */
  labelledBy: string;
  /** id of the element that describes the dialog. */
  describedBy?: string | undefined;
  /** Receives focus on open. @default the first focusable element */
  initialFocus?: RefObject<HTMLElement | null> | undefined;
  /** Receives focus on close when the element focused before opening no longer exists. */
  finalFocus?: RefObject<HTMLElement | null> | undefined;
  /** Extra class on the dialog panel. */
  className?: string | undefined;
  children: ReactNode;
}

/**
 * A modal dialog: portal to `<body>`, blurred backdrop, `role="dialog"` + `aria-modal`, focus
 * trapped and restored, Escape closes, the rest of the page inert while open.
 */
export function Dialog(props: DialogProps) {
  if (!props.open || typeof document === 'undefined') return null;
  return createPortal(<OpenDialog {...props} />, document.body);
}

function OpenDialog(props: DialogProps) {
  const { onOpenChange, labelledBy, describedBy, initialFocus, finalFocus, className, children } = props;
  const layer = useRef<HTMLDivElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  useFocusTrap(panel, true, {
    initialFocus,
    finalFocus,
    modalLayer: layer,
    onEscape: () => onOpenChange(false),
  });

  useEffect(() => {
    const body = document.body;
    const overflow = body.style.overflow;
    body.style.overflow = 'hidden';
    return () => {
      body.style.overflow = overflow;
    };
  }, []);

  return (
    <div ref={layer} className="tenure-layer">
      <div className="tenure-backdrop" aria-hidden="true" />
      <div
        ref={panel}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        aria-describedby={describedBy}
        tabIndex={-1}
        className={className ? `tenure-dialog ${className}` : 'tenure-dialog'}
      >
        {children}
      </div>
    </div>
  );
}
