import { runLoad, STATIC_ROTATION } from '../load.ts';
import type { ActivityWrites } from '../protocol.ts';
import type { BenchContext } from './context.ts';

export interface ActivityResult extends ActivityWrites {
  sessions: number;
  requests: number;
  rps: number;
  /** writes ÷ sessions ÷ minutes of load. */
  writesPerSessionPerMinute: number;
}

/**
 * `last_active` writes under protected load. The tracker writes at most once a minute per
 * session, so the load must last over a minute to show it: 70 s at full scale (the duration in
 * quick runs, which then only shows that requests are coalesced).
 */
export async function activityCase(context: BenchContext): Promise<ActivityResult> {
  const { server, options } = context;
  const seconds = options.scale >= 0.1 ? Math.max(70, options.duration) : options.duration;
  // As many sessions as the load generator rotates, so every one of them is exercised.
  const sessions = await server.call('createSessions', {
    count: Math.min(context.sizes.sessions, STATIC_ROTATION),
  });
  context.log(
    `activity: protected load for ${seconds} s over ${sessions.length} sessions, counting last_active writes`,
  );
  await server.call('startActivityProbe', {});
  const load = await runLoad({
    url: server.url,
    path: '/bench/protected',
    connections: options.connections,
    seconds,
    tokens: sessions.map((session) => session.accessToken),
  });
  const writes = await server.call('stopActivityProbe', {
    sessionIds: sessions.map((session) => session.sessionId),
  });
  const minutes = writes.windowSeconds / 60;
  return {
    ...writes,
    sessions: sessions.length,
    requests: load.requests,
    rps: load.rps,
    writesPerSessionPerMinute: writes.writes / sessions.length / minutes,
  };
}
