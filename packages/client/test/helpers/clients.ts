import { createTenureClient } from '../../src/index.ts';
import type { SessionEvent, TenureClient, TenureClientOptions } from '../../src/types.ts';
import type { FakeServer } from './fake-server.ts';

export interface TestTab {
  client: TenureClient;
  events: SessionEvent[];
  of(type: SessionEvent['type']): SessionEvent[];
}

const open: TenureClient[] = [];

/** A client ("tab") wired to the fake server that records the session events it emits. */
export function openTab(server: FakeServer, options: TenureClientOptions = {}): TestTab {
  const client = createTenureClient({ monitorActivity: false, ...options, adapter: server.adapter });
  open.push(client);
  const events: SessionEvent[] = [];
  client.sessionEvents.subscribe((event) => events.push(event));
  return { client, events, of: (type) => events.filter((event) => event.type === type) };
}

/** Stop every client opened by the current test (call in afterEach). */
export function closeTabs(): void {
  for (const client of open.splice(0)) client.stop();
}

/** The Bearer token a recorded request carried. */
export function bearer(headers: { get(name: string): unknown }): string {
  return String(headers.get('Authorization') ?? '').replace(/^Bearer /, '');
}
