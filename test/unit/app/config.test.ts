import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../../src/app/config.js';

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.AIRFLOW_URL).toBe('http://localhost:8082');
    expect(c.MLFLOW_URL).toBe('http://localhost:5000');
    expect(c.AIRFLOW_USERNAME).toBe('admin');
    expect(c.STATE_PATH).toBe('./data/mlops-bot.db');
    expect(c.slack).toBeUndefined();
    expect(c.discord).toBeUndefined();
  });

  it('lists every problem at once', () => {
    let err: unknown;
    try {
      loadConfig({ AIRFLOW_URL: 'not a url', HTTP_TIMEOUT_MS: 'soon', SLACK_BOT_TOKEN: 'xoxb-1', MLOPS_ADMINS: 'bob' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/AIRFLOW_URL/);
    expect(problems).toMatch(/HTTP_TIMEOUT_MS/);
    expect(problems).toMatch(/SLACK_SIGNING_SECRET or SLACK_APP_TOKEN/);
    expect(problems).toMatch(/'bob'/);
  });

  it('never shows a secret when described', () => {
    const c = loadConfig({ AIRFLOW_PASSWORD: 'hunter2', SLACK_BOT_TOKEN: 'xoxb-secret', SLACK_SIGNING_SECRET: 's3' });
    const shown = JSON.stringify(describeConfig(c));
    expect(shown).not.toContain('hunter2');
    expect(shown).not.toContain('xoxb-secret');
    expect(shown).toContain('"slack":"configured"');
  });

  it('turns a trailing slash off base URLs', () => {
    expect(loadConfig({ AIRFLOW_URL: 'http://af:8082/' }).AIRFLOW_URL).toBe('http://af:8082');
  });
});

describe('WATCH_INTERVAL', () => {
  it('accepts intervals that fall evenly on the clock and refuses the others with the allowed values', () => {
    for (const ok of ['5', '30', '600', '3600', '86400'])
      expect(loadConfig({ WATCH_INTERVAL: ok }).WATCH_INTERVAL).toBe(Number(ok));
    expect(() => loadConfig({ WATCH_INTERVAL: '45' })).toThrow(/must divide a minute/);
    expect(() => loadConfig({ WATCH_INTERVAL: '90' })).toThrow(/must divide a minute/);
  });
});

describe('CONFIRM_TTL', () => {
  it('is 15 minutes unless set, in seconds or as a duration', () => {
    expect(loadConfig({}).CONFIRM_TTL).toBe(900);
    expect(loadConfig({ CONFIRM_TTL: '600' }).CONFIRM_TTL).toBe(600);
    expect(loadConfig({ CONFIRM_TTL: '1h' }).CONFIRM_TTL).toBe(3_600);
  });

  it.each(['soon', '5s', '2d', '-15m'])('refuses %s with the accepted range', (value) => {
    expect(() => loadConfig({ CONFIRM_TTL: value })).toThrow(/CONFIRM_TTL must be seconds or a duration .* 1m and 1d/);
  });
});
