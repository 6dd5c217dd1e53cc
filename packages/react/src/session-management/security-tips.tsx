import { useLastPolicy } from '../hooks/use-last-policy.ts';
import { formatDuration } from '../time/format-duration.ts';

/** Short, practical advice shown under the session list. */
export function SecurityTips() {
  const policy = useLastPolicy();
  const idle = formatDuration(policy?.inactivityTimeoutSeconds ?? 15 * 60);
  return (
    <aside className="tenure-tips" aria-label="Security tips">
      <h3 className="tenure-tips__title">Security tips</h3>
      <ul>
        <li>Revoke any session you don&apos;t recognise, then change your password.</li>
        <li>Log out when you finish on a shared or public computer.</li>
        <li>Sessions end by themselves after {idle} of inactivity.</li>
        <li>A location is an estimate from the IP address and may be a nearby city.</li>
      </ul>
    </aside>
  );
}
