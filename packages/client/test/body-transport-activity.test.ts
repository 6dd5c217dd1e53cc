// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActivitySource } from '../src/types.ts';
import { createBodyServer, memoryStorage } from './helpers/body-server.ts';
import { closeTabs, openTab } from './helpers/clients.ts';

// Seconds-long policy: idle after 60 s, check every 10 s, tokens live 30 s.
const policy = {
  inactivityTimeoutSeconds: 60,
  activityCheckIntervalSeconds: 10,
  accessTokenTtlSeconds: 30,
  sessionExpiresInSeconds: 86_400,
};

/** What a React Native app would wire to its touch handler or `AppState`. */
function fedActivity() {
  let listener: (() => void) | undefined;
  const source: ActivitySource = {
    subscribe(onActivity) {
      listener = onActivity;
      return () => {
        listener = undefined;
      };
    },
  };
  return { source, feed: () => listener?.(), listening: () => listener !== undefined };
}

async function signedInApp(activity?: ActivitySource) {
  const server = createBodyServer(policy);
  const stored = memoryStorage();
  const tab = openTab(server, {
    baseURL: 'https://auth.example.com',
    transport: 'body',
    storage: stored.storage,
    monitorActivity: true,
    idleWarningSeconds: 20,
    ...(activity && { activity }),
  });
  await tab.client.login({ email: 'ada@example.com', password: 'correct horse' });
  return { server, stored, ...tab };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  closeTabs();
  vi.useRealTimers();
});

describe('body transport: activity monitor', () => {
  it('without fed activity there is no monitor: no timers, and an idle app is not signed out locally', async () => {
    const { server, client, stored, events } = await signedInApp();
    expect(vi.getTimerCount()).toBe(0);

    await vi.advanceTimersByTimeAsync(10 * 60_000);

    expect(client.getState().status).toBe('signedIn');
    expect(events).toEqual([]);
    expect(server.refreshes()).toBe(0);
    expect(stored.value()).toBe('rt-1');
  });

  it('fed activity keeps the session alive at each check, and storage follows every rotation', async () => {
    const activity = fedActivity();
    const { server, client, stored, of } = await signedInApp(activity.source);

    for (let second = 5; second <= 120; second += 5) {
      await vi.advanceTimersByTimeAsync(5_000);
      activity.feed();
    }

    expect(client.getState().status).toBe('signedIn');
    expect(of('expired')).toHaveLength(0);
    expect(server.refreshes()).toBeGreaterThanOrEqual(11);
    expect(stored.value()).toBe(server.currentToken());
  });

  it('when the fed activity stops: idleWarning, then expired once at the idle timeout, and the token is deleted', async () => {
    const activity = fedActivity();
    const { server, stored, of } = await signedInApp(activity.source);
    activity.feed();

    await vi.advanceTimersByTimeAsync(40_000);
    expect(of('idleWarning')).toEqual([{ type: 'idleWarning', secondsLeft: 20 }]);
    await vi.advanceTimersByTimeAsync(20_000);

    expect(of('expired')).toEqual([{ type: 'expired', code: 'session_expired' }]);
    expect(stored.value()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(of('expired')).toHaveLength(1);
    expect(server.refreshes()).toBe(0);
  });

  it('stop() unsubscribes from the activity source and clears every timer', async () => {
    const activity = fedActivity();
    const { client } = await signedInApp(activity.source);
    expect(activity.listening()).toBe(true);

    client.stop();

    expect(activity.listening()).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
