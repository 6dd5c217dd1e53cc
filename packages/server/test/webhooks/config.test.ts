import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { newSecret } from './receiver.ts';

const secret = newSecret();

function webhooks(env: Record<string, string>) {
  return loadConfig({ DATABASE_URL: 'memory://', ...env }).webhooks;
}

describe('WEBHOOK_URL and WEBHOOK_SECRET', () => {
  it('are off unless WEBHOOK_URL is set', () => {
    expect(webhooks({})).toBeUndefined();
  });

  it('take several endpoints (comma-separated) and several secrets (space-separated, for rotation)', () => {
    const other = newSecret();
    expect(
      webhooks({
        WEBHOOK_URL: 'https://hooks.example.com/tenure, http://localhost:4000/in,http://127.0.0.1:9/x',
        WEBHOOK_SECRET: `${secret} ${other}`,
      }),
    ).toEqual({
      urls: ['https://hooks.example.com/tenure', 'http://localhost:4000/in', 'http://127.0.0.1:9/x'],
      secrets: [secret, other],
    });
  });

  it.each([
    ['http://hooks.example.com/tenure', /must use https/],
    ['ftp://hooks.example.com/', /must use https/],
    ['http://10.0.0.5/hook', /must use https/],
    ['not a url', /is not a URL/],
    ['https://user:pass@hooks.example.com/', /no credentials/],
  ])('refuse the endpoint %s', (url, message) => {
    expect(() => webhooks({ WEBHOOK_URL: url, WEBHOOK_SECRET: secret })).toThrow(message);
  });

  it.each([
    ['', /needs a secret/],
    ['secret', /whsec_/],
    ['whsec_c2hvcnQ=', /24 to 64/],
    [`${secret} whsec_!!!`, /whsec_/],
  ])('refuse the secret "%s"', (value, message) => {
    expect(() => webhooks({ WEBHOOK_URL: 'https://hooks.example.com/', WEBHOOK_SECRET: value })).toThrow(
      message,
    );
  });

  it('refuse a secret without an endpoint', () => {
    expect(() => webhooks({ WEBHOOK_SECRET: secret })).toThrow(/WEBHOOK_URL is not/);
  });
});
