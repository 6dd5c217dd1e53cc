// A non-browser client (a CLI, a worker, React Native): no cookies, so the refresh token comes in
// the response body and the client keeps it in a storage of its own. Signs in through the app,
// calls the app and the invoices service with the access token, then signs out.
// `APP_URL=… SERVICE_URL=… TENURE_USERNAME=… TENURE_PASSWORD=… node client.mjs`
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createTenureClient } from '@tenure/client';

const appUrl = process.env.APP_URL ?? 'http://127.0.0.1:3000';
const serviceUrl = process.env.SERVICE_URL ?? 'http://127.0.0.1:4000';
const tokenFile = process.env.TOKEN_FILE ?? '.tenure-refresh-token';

// Where the refresh token lives between runs: a file readable by this user only here; the
// Keychain or Keystore on a phone.
const storage = {
  async get() {
    return readFile(tokenFile, 'utf8').catch(() => null);
  },
  async set(token) {
    await writeFile(tokenFile, token, { mode: 0o600 });
  },
  async delete() {
    await rm(tokenFile, { force: true });
  },
};

// The app's own sign-in; `X-Token-Transport: body` asks for the refresh token in the body.
const response = await fetch(`${appUrl}/auth/sign-in`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-token-transport': 'body' },
  body: JSON.stringify({ username: process.env.TENURE_USERNAME, password: process.env.TENURE_PASSWORD }),
});
if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
const { refreshToken } = await response.json();
await storage.set(refreshToken);

const tenure = createTenureClient({
  baseURL: appUrl,
  transport: 'body',
  storage,
  tokenOrigins: [serviceUrl],
});
await tenure.restore(); // a fresh access token from the stored refresh token (rotated and stored again)
const projects = await tenure.api.get('/api/projects');
const invoices = await tenure.api.get(`${serviceUrl}/api/invoices`);
console.log(
  JSON.stringify({ projects: projects.data.projects.length, invoices: invoices.data.invoices.length }),
);
await tenure.logout(); // ends the session on the server and deletes the token from storage
tenure.stop();
