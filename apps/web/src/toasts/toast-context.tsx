import { toastFor } from '@tenure/client';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';

interface Toast {
  id: number;
  text: string;
}

interface ToastApi {
  /** Shows the user-facing message for `error`; a 401 / ended session shows nothing (the modal handles it). */
  showError(error: unknown): void;
  /** Shows `text` (a sentence from the client's `messages`). */
  showMessage(text: string): void;
}

const ToastContext = createContext<ToastApi | null>(null);
const DISMISS_AFTER_MS = 6000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  const showMessage = useCallback(
    (text: string) => {
      const id = nextId.current++;
      setToasts((current) => [...current.filter((toast) => toast.text !== text), { id, text }]);
      setTimeout(() => dismiss(id), DISMISS_AFTER_MS);
    },
    [dismiss],
  );

  const showError = useCallback(
    (error: unknown) => {
      const text = toastFor(error);
      if (text !== null) showMessage(text);
    },
    [showMessage],
  );

  const api = useMemo(() => ({ showError, showMessage }), [showError, showMessage]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <section className="toasts" aria-label="Notifications">
        {toasts.map((toast) => (
          <div key={toast.id} className="toast" role="alert">
            <span>{toast.text}</span>
            <button
              type="button"
              className="toast__close"
              aria-label="Dismiss"
              onClick={() => dismiss(toast.id)}
            >
              ×
            </button>
          </div>
        ))}
      </section>
    </ToastContext.Provider>
  );
}

export function useToasts(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToasts must be used inside <ToastProvider>');
  return api;
}
