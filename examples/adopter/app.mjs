// An app that already has its users and its sign-in, and adopts Tenure for sessions: it checks the
// password itself, then hands the user's id to Tenure, which issues the tokens, tracks the device
// and lets the user sign any session out. `node app.mjs`; settings come from the environment.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { loadConfig, tenure } from '@tenure/server';
import Fastify from 'fastify';

// The app's own accounts. A real app keeps them in its database; ids are its own, not Tenure's.
const users = [
  { id: 'acme|4711', username: 'octo', email: 'octo@example.com', name: 'Octo', password: 'correct horse' },
  { id: 'acme|4712', username: 'mona', email: 'mona@example.com', name: 'Mona', password: 'battery staple' },
].map(({ password, ...user }) => ({ ...user, passwordHash: hashPassword(password) }));

function hashPassword(password, salt = randomBytes(16)) {
  return { salt, hash: scryptSync(password, salt, 32) };
}

// Unknown usernames are checked against a decoy, so they take as long as a wrong password.
const decoy = { passwordHash: hashPassword(randomBytes(16).toString('hex')) };

function checkPassword(user, password) {
  const { hash } = hashPassword(password, user.passwordHash.salt);
  return timingSafeEqual(hash, user.passwordHash.hash);
}

const config = loadConfig(process.env);
// Starting Tenure migrates the database and loads the offline geolocation data: a first start can
// take longer than Fastify's default 10 s plugin timeout.
const app = Fastify({ logger: { level: config.logLevel }, pluginTimeout: 60_000 });

await app.register(tenure, { config, passwordAuth: false });

app.post('/auth/sign-in', async (request, reply) => {
  const { username, password } = request.body ?? {};
  const user = users.find((candidate) => candidate.username === username);
  const passwordMatches = typeof password === 'string' && checkPassword(user ?? decoy, password);
  if (!user || !passwordMatches) {
    return reply
      .status(401)
      .send({ error: { code: 'invalid_credentials', message: 'Wrong username or password.' } });
  }
  // The id comes from the app's own records, never from the request.
  return reply.startSession(user.id, { email: user.email, name: user.name });
});

app.get('/api/projects', { preHandler: app.authenticate }, async (request) => {
  const { userId, sessionId } = request.auth;
  return { userId, sessionId, projects: [{ id: 1, name: `${userId}'s first project` }] };
});

await app.listen({ port: config.port, host: config.host });

// Closing the app lets Tenure stop its jobs and close its database and Redis connections.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => app.close().then(() => process.exit(0)));
}
