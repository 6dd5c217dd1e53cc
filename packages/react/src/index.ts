export { Dialog, type DialogProps } from './dialog/dialog.tsx';
export type { SessionsSnapshot } from './hooks/sessions-store.ts';
export { useSession } from './hooks/use-session.ts';
export { useSessionEvents } from './hooks/use-session-events.ts';
export { type UseSessionsResult, useSessions } from './hooks/use-sessions.ts';
export { useTenureClient } from './hooks/use-tenure.ts';
export { IdleWarning, type IdleWarningProps } from './idle-warning/idle-warning.tsx';
export { TenureProvider, type TenureProviderProps } from './provider/tenure-provider.tsx';
export { ReauthDialog, type ReauthDialogProps } from './reauth-dialog/reauth-dialog.tsx';
export {
  SessionExpiredModal,
  type SessionExpiredModalProps,
} from './session-expired-modal/session-expired-modal.tsx';
export { SessionManagement } from './session-management/session-management.tsx';
export { formatCountdown, formatDuration } from './time/format-duration.ts';
export { formatExactTime, formatRelativeTime } from './time/relative-time.ts';
