import axios from 'axios';
import { afterAll, bench, describe } from 'vitest';
import { createTenureClient } from '../src/index.ts';
import { createFakeServer } from '../test/helpers/fake-server.ts';

// What the client adds on the hot paths: per request (token + interceptors) and per DOM
// activity event (the throttled listener). Run: npx vitest bench --project client --run

const server = createFakeServer();
const client = createTenureClient({ adapter: server.adapter, monitorActivity: true });
await client.login({ email: 'ada@example.com', password: 'correct horse' });
const plain = axios.create({ adapter: server.adapter });
const token = 'at-1'; // the token the fake server issued at login
const options = { time: 3_000, warmupTime: 500 };

afterAll(() => client.stop());

describe('per request', () => {
  bench(
    'plain axios with a hand-set Authorization header',
    async () => {
      server.seen.length = 0;
      await plain.get('/api/data', { headers: { Authorization: `Bearer ${token}` } });
    },
    options,
  );

  bench(
    'client.api (token, proactive-refresh check, 401 interceptor)',
    async () => {
      server.seen.length = 0;
      await client.api.get('/api/data');
    },
    options,
  );
});

describe('per activity event', () => {
  const move = new MouseEvent('mousemove');
  const bare = new EventTarget();
  bench(
    'baseline: dispatch on a target with no listener',
    () => {
      bare.dispatchEvent(move);
    },
    options,
  );
  bench(
    'mousemove dispatched on window with the monitor listening',
    () => {
      window.dispatchEvent(move);
    },
    options,
  );
});
