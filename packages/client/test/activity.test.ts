import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACTIVITY_EVENTS } from '../src/activity.ts';
import { closeTabs, openTab } from './helpers/clients.ts';
import { createFakeServer } from './helpers/fake-server.ts';

// Seconds-long policy: idle after 60 s, check every 10 s, tokens live 30 s.
const policy = {
  inactivityTimeoutSeconds: 60,
  activityCheckIntervalSeconds: 10,
  accessTokenTtlSeconds: 30,
  sessionExpiresInSeconds: 86_400,
};

async function signedInTab() {
  const server = createFakeServer(policy);
  const tab = openTab(server, { monitorActivity: true, idleWarningSeconds: 20 });
  await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
  return { server, tab };
}

function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  closeTabs();
  Reflect.deleteProperty(document, 'visibilityState');
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('activity monitor', () => {
  it('keeps an active user signed in past several token lifetimes, extending at the check interval', async () => {
    const { server, tab } = await signedInTab();

    for (let second = 5; second <= 180; second += 5) {
      await vi.advanceTimersByTimeAsync(5_000);
      window.dispatchEvent(new MouseEvent(second % 10 === 0 ? 'mousemove' : 'keydown'));
    }

    expect(tab.client.getState().status).toBe('signedIn');
    expect(tab.of('expired')).toHaveLength(0);
    // One extension per 10 s check with activity since the last one: 17 or 18 in 180 s.
    expect(server.refreshes()).toBeGreaterThanOrEqual(17);
    expect(server.refreshes()).toBeLessThanOrEqual(18);
  });

  it('lets an idle user expire: no refresh, a warning first, then expired once at the idle timeout', async () => {
    const { server, tab } = await signedInTab();

    await vi.advanceTimersByTimeAsync(39_999);
    expect(tab.of('idleWarning')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(tab.of('idleWarning')).toEqual([{ type: 'idleWarning', secondsLeft: 20 }]);

    await vi.advanceTimersByTimeAsync(19_999);
    expect(tab.of('expired')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);

    expect(tab.of('expired')).toEqual([{ type: 'expired', code: 'session_expired' }]);
    expect(tab.client.getState()).toEqual({ status: 'signedOut', reason: 'expired' });
    expect(server.refreshes()).toBe(0);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(tab.of('expired')).toHaveLength(1);
  });

  it('activity during the idle warning extends at once (the refreshed event dismisses the prompt)', async () => {
    const { server, tab } = await signedInTab();
    await vi.advanceTimersByTimeAsync(45_000);
    expect(tab.of('idleWarning')).toHaveLength(1);

    window.dispatchEvent(new KeyboardEvent('keydown'));
    await vi.advanceTimersByTimeAsync(0);

    expect(server.refreshes()).toBe(1);
    expect(tab.of('refreshed')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(tab.of('expired')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tab.of('expired')).toHaveLength(1);
  });

  it('checks when the tab becomes visible: extends, and learns of a revocation elsewhere', async () => {
    const { server, tab } = await signedInTab();
    await vi.advanceTimersByTimeAsync(8_000);

    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(0);
    expect(server.refreshes()).toBe(1);

    server.endSession('session_revoked');
    await vi.advanceTimersByTimeAsync(6_000);
    setVisibility('hidden');
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(0);

    expect(tab.of('expired')).toEqual([{ type: 'expired', code: 'session_revoked' }]);
  });

  it('a tab hidden past the idle timeout expires the moment it is shown, without asking the server', async () => {
    const { server, tab } = await signedInTab();
    setVisibility('hidden');
    // Hidden tabs' timers are throttled: time passes without them firing.
    vi.setSystemTime(Date.now() + 61_000);

    setVisibility('visible');

    expect(tab.of('expired')).toEqual([{ type: 'expired', code: 'session_expired' }]);
    expect(server.refreshes()).toBe(0);
  });

  it('listens passively and records a burst of events once', async () => {
    const added = vi.spyOn(window, 'addEventListener');
    const { tab } = await signedInTab();
    const probe = new BroadcastChannel('tenure');
    const heard: unknown[] = [];
    probe.onmessage = (event: MessageEvent) => heard.push(event.data);

    for (const type of ACTIVITY_EVENTS) {
      expect(added).toHaveBeenCalledWith(type, expect.any(Function), { passive: true, capture: true });
    }
    await vi.advanceTimersByTimeAsync(2_000);
    for (let i = 0; i < 50; i += 1) window.dispatchEvent(new MouseEvent('mousemove'));
    vi.useRealTimers();
    await vi.waitFor(() => expect(heard.length).toBeGreaterThan(0));
    probe.close();

    expect(heard.filter((m) => (m as { type: string }).type === 'activity')).toHaveLength(1);
    expect(tab.client.getState().status).toBe('signedIn');
  });

  it("another tab's activity keeps this one from expiring", async () => {
    const { tab } = await signedInTab();
    const otherTab = new BroadcastChannel('tenure');
    await vi.advanceTimersByTimeAsync(50_000);
    otherTab.postMessage({ type: 'activity', at: Date.now() });
    vi.useRealTimers();
    await vi.waitFor(() => expect(tab.of('refreshed')).toHaveLength(1)); // the warning is dismissed
    otherTab.close();
    expect(tab.of('expired')).toHaveLength(0);
    expect(tab.client.getState().status).toBe('signedIn');
  });

  it('stop() removes every listener and timer it added', async () => {
    const spies = [window, document].map((target) => ({
      target,
      add: vi.spyOn(target, 'addEventListener'),
      remove: vi.spyOn(target, 'removeEventListener'),
    }));
    const calls = (kind: 'add' | 'remove') =>
      spies.flatMap((spy) =>
        spy[kind].mock.calls.map(([type, listener, options]) => [
          spy.target,
          type,
          listener,
          capture(options),
        ]),
      );
    const timersBefore = vi.getTimerCount();
    const { tab } = await signedInTab();
    const added = calls('add');
    expect(added.length).toBeGreaterThanOrEqual(ACTIVITY_EVENTS.length + 1);
    expect(vi.getTimerCount()).toBeGreaterThan(timersBefore);

    tab.client.stop();

    const removed = calls('remove');
    expect(removed).toHaveLength(added.length);
    for (const entry of added) expect(removed).toContainEqual(entry);
    expect(vi.getTimerCount()).toBe(timersBefore);
  });
});

function capture(options: boolean | AddEventListenerOptions | EventListenerOptions | undefined): boolean {
  return typeof options === 'boolean' ? options : options?.capture === true;
}
