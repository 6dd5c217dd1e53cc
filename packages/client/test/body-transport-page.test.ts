import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACTIVITY_EVENTS } from '../src/activity.ts';
import { createBodyServer, memoryStorage } from './helpers/body-server.ts';
import { closeTabs, openTab } from './helpers/clients.ts';
import { createFakeLocks, installLocks } from './helpers/fake-locks.ts';

// A page-like environment (happy-dom) with BroadcastChannel and Web Locks: the body transport
// must still leave them alone, as it must in React Native, which has none of them.

afterEach(() => {
  closeTabs();
  installLocks(undefined);
  vi.restoreAllMocks();
});

describe('body transport where a page exists', () => {
  it('uses no BroadcastChannel, Web Lock or DOM listener, and tabs never hear of it', async () => {
    const locks = createFakeLocks();
    installLocks(locks);
    const listeners = [vi.spyOn(window, 'addEventListener'), vi.spyOn(document, 'addEventListener')];
    const heard: { type: string }[] = [];
    const probe = new BroadcastChannel('tenure');
    probe.onmessage = (event: MessageEvent<{ type: string }>) => heard.push(event.data);
    const server = createBodyServer();
    const { client } = openTab(server, {
      baseURL: 'https://auth.example.com',
      transport: 'body',
      storage: memoryStorage().storage,
      monitorActivity: true,
    });

    await client.login({ email: 'ada@example.com', password: 'correct horse' });
    server.expireAccessTokens();
    await client.api.get('/api/data');
    await client.logout();
    // Messages on one channel arrive in order: once this one is heard, any earlier one would be.
    const sender = new BroadcastChannel('tenure');
    sender.postMessage({ type: 'sentinel' });
    await vi.waitFor(() => expect(heard.length).toBeGreaterThan(0));
    sender.close();
    probe.close();

    expect(heard).toEqual([{ type: 'sentinel' }]);
    expect(locks.requests).toBe(0);
    const types = listeners.flatMap((spy) => spy.mock.calls.map(([type]) => type));
    for (const type of [...ACTIVITY_EVENTS, 'visibilitychange']) expect(types).not.toContain(type);
    expect(server.refreshes()).toBe(1);
  });
});
