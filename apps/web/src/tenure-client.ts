import { createTenureClient } from '@tenure/client';

/** One client for the whole app: same origin as the API (the server serves this build). */
export const tenureClient = createTenureClient({ baseURL: '' });
