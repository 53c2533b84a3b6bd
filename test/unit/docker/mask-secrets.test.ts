import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../../src/clients/docker/mask-secrets.js';

describe('maskSecrets', () => {
  it.each([
    ['password=hunter2 user=bob', 'password=**** user=bob', 'hunter2'],
    ['DB_PASSWORD: s3cr3t!', 'DB_PASSWORD: ****', 's3cr3t!'],
    ['token=abc123&next=1', 'token=****&next=1', 'abc123'],
    ['{"api_key": "k-998877", "ok": true}', '{"api_key": "****", "ok": true}', 'k-998877'],
    ['Authorization: Bearer eyJhbGciOi.J9.xyz', 'Authorization: Bearer ****', 'eyJhbGciOi'],
    ['curl -H "authorization: basic dXNlcjpwYXNz"', 'curl -H "authorization: basic ****"', 'dXNlcjpwYXNz'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key AKIA**** used', 'IOSFODNN7EXAMPLE'],
    ['slack xoxb-1234-5678-abcdefgh ok', 'slack xoxb-**** ok', '1234-5678'],
    ['user xoxp-99-88-77aa', 'user xoxp-****', '99-88'],
    ['postgresql://airflow:pa55word@db:5432/airflow', 'postgresql://airflow:****@db:5432/airflow', 'pa55word'],
    ['AIRFLOW__API_AUTH__JWT_SECRET=verysecret', 'AIRFLOW__API_AUTH__JWT_SECRET=****', 'verysecret'],
  ])('masks %j', (input, expected, secret) => {
    const out = maskSecrets(input);
    expect(out).toBe(expected);
    expect(out).not.toContain(secret);
  });

  it('leaves ordinary log lines alone', () => {
    const lines = [
      'INFO scheduler: 3 tasks queued',
      'GET /health 200 1.2ms',
      'tokens processed: 1200 in 3s',
      'epoch 3 loss=0.213 accuracy=0.91',
    ];
    for (const l of lines) expect(maskSecrets(l)).toBe(l);
  });

  it('masks every secret on a line with several', () => {
    const out = maskSecrets('login password=a1 token=b2 and Bearer c3c3c3c3c3c3');
    expect(out).toBe('login password=**** token=**** and Bearer ****');
  });

  it('masks a private key block', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----';
    expect(maskSecrets(pem)).toBe('-----BEGIN RSA PRIVATE KEY----- ****');
  });
});
