import { type ReactNode, type RefObject, useId, useRef, useState } from 'react';
import { Dialog } from '../dialog/dialog.tsx';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** What will happen, in plain words. */
  description: ReactNode;
  /** The confirm button's label. */
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  /** Turns a failure of `onConfirm` into the text shown in the dialog. */
  describeError: (error: unknown) => string;
  finalFocus?: RefObject<HTMLElement | null>;
}

/** Confirmation on the dialog primitive; focus starts on "Cancel" so Enter is never destructive. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { open, title, description, confirmLabel, onConfirm, onClose, describeError, finalFocus } = props;
  const titleId = useId();
  const descriptionId = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setError(null);
    onClose();
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      close();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => !next && !busy && close()}
      labelledBy={titleId}
      describedBy={descriptionId}
      initialFocus={cancel}
      finalFocus={finalFocus}
    >
      <h2 id={titleId} className="tenure-dialog__title">
        {title}
      </h2>
      <p id={descriptionId} className="tenure-dialog__text">
        {description}
      </p>
      {error && (
        <p role="alert" className="tenure-error-text">
          {error}
        </p>
      )}
      <div className="tenure-dialog__actions">
        <button ref={cancel} type="button" className="tenure-button" onClick={close} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className="tenure-button tenure-button--danger"
          onClick={() => void confirm()}
          disabled={busy}
          aria-busy={busy}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
