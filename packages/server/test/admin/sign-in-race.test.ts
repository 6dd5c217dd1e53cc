import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { type Core, createCore } from '../../src/core.ts';
import { createLogger } from '../../src/logger.ts';
import type { SignInContext } from '../../src/sessions/sign-in-context.ts';
import { nullGeolocator } from '../helpers/build-test-app.ts';
import { freshDatabaseUrl } from '../helpers/database.ts';
import { BUILD_TIMEOUT_MS } from './admin-helpers.ts';

// A disable records the user, then ends the sessions it finds. A sign-in that passed its first
// check before the record, but whose session was written after that ending, must not leave a
// live session behind: it checks again once its session exists, and ends it.
let core: Core;
let drop: () => Promise<void>;

beforeAll(async () => {
  const database = await freshDatabaseUrl();
  drop = database.drop;
  const config = loadConfig({ DATABASE_URL: database.url, REDIS_URL: '', LOG_LEVEL: 'silent' });
  core = await createCore({
    config,
    clock: systemClock,
    logger: createLogger({ logLevel: 'silent' }),
    geolocator: nullGeolocator,
  });
}, BUILD_TIMEOUT_MS);
afterAll(async () => {
  await core?.close();
  await drop?.();
});

const context: SignInContext = {
  ipAddress: '203.0.113.5',
  userAgent: null,
  device: { deviceType: 'desktop', deviceName: null, browser: null, os: null },
  location: null,
  country: null,
};

describe('a sign-in racing a disable', () => {
  it('a session written after the disable ended the others is ended too, and the sign-in answers account_disabled', async () => {
    const userId = 'github|race';
    let sessionId: string | undefined;
    const attempt = core.disabledUsers.startUnlessDisabled(userId, async () => {
      const issued = await core.sessions.start(userId, context, { firstSignIn: false });
      sessionId = issued.session.session_id;
      // The operator's disable lands now: recorded, and its ending has already run.
      await core.disabledUsers.disable(userId, 'ops');
      return issued;
    });
    await expect(attempt).rejects.toMatchObject({ code: 'account_disabled' });
    const row = await core.sessions.findSession(sessionId!);
    expect(row).toMatchObject({ is_revoked: true, revoked_reason: 'user_disabled' });
    expect(core.store.isSessionDenied(sessionId!)).toBe(true);
  });
});
