import { describe, expect, it } from 'vitest';
import { containsSecret, MAX_LINE, maskSecretLines, maskSecrets } from '../../../src/bot/secrets/index.js';

const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
  '-----END RSA PRIVATE KEY-----',
];

describe('maskSecrets', () => {
  // [input, expected, the secret that must be gone]
  it.each([
    ['password=hunter2 user=bob', 'password=**** user=bob', 'hunter2'],
    ['DB_PASSWORD: s3cr3t!', 'DB_PASSWORD: ****', 's3cr3t!'],
    ['token=abc123&next=1', 'token=****&next=1', 'abc123'],
    ['{"api_key": "k-998877", "ok": true}', '{"api_key": "****", "ok": true}', 'k-998877'],
    ["{'password': 'hunter2', 'user': 'bob'}", "{'password': '****', 'user': 'bob'}", 'hunter2'],
    ['Authorization: Bearer eyJhbGciOi.J9.xyz', 'Authorization: Bearer ****', 'eyJhbGciOi'],
    ['Authorization: Basic YWRtaW46YWRtaW4=', 'Authorization: Basic ****', 'YWRtaW46YWRtaW4'],
    ['curl -H "authorization: basic dXNlcjpwYXNz"', 'curl -H "authorization: basic ****"', 'dXNlcjpwYXNz'],
    ['Proxy-Authorization: Basic cHJveHk6cHc=', 'Proxy-Authorization: Basic ****', 'cHJveHk6cHc'],
    ['X-Api-Key: 0123abcd', 'X-Api-Key: ****', '0123abcd'],
    ['Cookie: session=abc; csrftoken=x9', 'Cookie: ****', 'abc'],
    ['mysql --password hunter2 -h db', 'mysql --password **** -h db', 'hunter2'],
    ['cli --token "tok en" --verbose', 'cli --token "****" --verbose', 'tok en'],
    ['cli --api-key=k-123 --verbose', 'cli --api-key=**** --verbose', 'k-123'],
    ['postgresql://airflow:pa55word@db:5432/airflow', 'postgresql://airflow:****@db:5432/airflow', 'pa55word'],
    ['redis://:redispw@cache:6379/0', 'redis://:****@cache:6379/0', 'redispw'],
    ['GET /callback?code=1&token=abc123 200', 'GET /callback?code=1&token=**** 200', 'abc123'],
    ['GET /v1/models?api_key=sk9x&limit=5', 'GET /v1/models?api_key=****&limit=5', 'sk9x'],
    ['FERNET_KEY=81HqDtbqAywKSOumSha3BhWNOdQ26slT6K0YaZeZyPs=', 'FERNET_KEY=****', '81HqDtbq'],
    ['AIRFLOW__CORE__FERNET_KEY=81HqDtbqAywKSOumSha3BhWNOdQ26slT6K0Ya=', 'AIRFLOW__CORE__FERNET_KEY=****', '81HqDtbq'],
    ['AIRFLOW__API_AUTH__JWT_SECRET=verysecret', 'AIRFLOW__API_AUTH__JWT_SECRET=****', 'verysecret'],
    ['PGPASSWORD=pg-secret psql -h db', 'PGPASSWORD=**** psql -h db', 'pg-secret'],
    ['client_secret: "cs-123"', 'client_secret: "****"', 'cs-123'],
    ['password_policy=strict', 'password_policy=****', 'strict'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = ****', 'wJalrX'],
    ['AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AWS_SECRET_ACCESS_KEY=****', 'wJalrX'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key AKIA**** used', 'IOSFODNN7EXAMPLE'],
    [
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=bXlrZXk=;EndpointSuffix=core.windows.net',
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=****;EndpointSuffix=core.windows.net',
      'bXlrZXk',
    ],
    ['slack xoxb-1234-5678-abcdefgh ok', 'slack xoxb-**** ok', '1234-5678'],
    ['user xoxp-99-88-77aa', 'user xoxp-****', '99-88'],
    ['socket xapp-1-A0123-456-abcdef', 'socket xapp-****', 'A0123'],
    [
      'logging in with MTA5ODc2NTQzMjEwOTg3NjU0.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB',
      'logging in with ****',
      'GaBcDe',
    ],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.SflKxwRJSMeKKF2QT4fwpM end', 'jwt eyJ**** end', 'SflKxwRJ'],
    ['clone with ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'clone with ghp_****', 'abcdefghij'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'github_pat_****', '11ABCDEFG'],
    ['gitlab glpat-abcdefghij0123456789', 'gitlab glpat-****', 'abcdefghij'],
    ['maps AIzaSyA-1234567890abcdefghijklmnopqrstu', 'maps AIza****', 'SyA-1234'],
    ['stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'stripe sk_live_****', '4eC39Hq'],
    ['hook whsec_abcdefghijklmnop', 'hook whsec_****', 'abcdefghij'],
    ['OPENAI key sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'OPENAI key sk-****', 'abcdefghij'],
    ['hub hf_abcdefghijklmnopqrstuvwxyzABCDEFGH', 'hub hf_****', 'abcdefghij'],
    ['npm npm_abcdefghijklmnopqrstuvwxyz0123456789', 'npm npm_****', 'abcdefghij'],
    [
      '"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----\\n"',
      '"private_key": "****"',
      'MIIEvQ',
    ],
    [
      'key: -----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXk',
      'key: -----BEGIN OPENSSH PRIVATE KEY----- ****',
      'b3Bl',
    ],
  ])('masks %j', (input, expected, secret) => {
    const out = maskSecrets(input);
    expect(out).toBe(expected);
    expect(out).not.toContain(secret);
  });

  it.each([
    'INFO scheduler: 3 tasks queued',
    'GET /health 200 1.2ms',
    'tokens processed: 1200 in 3s',
    'epoch 3 loss=0.213 accuracy=0.91',
    'tokens=128',
    'max_tokens=512',
    'num_tokens: 2048',
    'tokenizer=bert-base',
    'token_count=5',
    'pad_token=[PAD] eos_token=</s> bos_token_id=1',
    'Token indices sequence length is longer than the specified maximum sequence length (1024 > 512)',
    'next_page_token=CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA',
    'running secret_santa.py',
    'passed=12 failed=0',
    'forward_pass: 12.3ms backward_pass: 20.1ms',
    'keyword=foo',
    'learning_rate=0.01',
    'primary_key=id partition_key=ds cache_key=model-v3',
    'signature_version: v4',
    'author=alice',
    'password_required: true',
    'auth: none',
    'commit=3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    'run_id=6f1c2b3a-9d8e-4f7a-b6c5-d4e3f2a1b0c9',
    'dag_run manual__2026-01-05T10:00:00+00:00 queued',
    'mlflow run 0123456789abcdef0123456789abcdef',
    'reading /opt/airflow/dags/secrets/db_password.txt',
    '[2026-01-05T10:00:00.123+0000] {taskinstance.py:1234} INFO - Task exited with return code 0',
    '[secret_manager.py:42] fetched the value',
    'task_id=get_secret dag_id=rotate_tokens',
    'AWS_ACCESS_KEY_ID set from the environment',
    'pip install scikit-learn==1.5.0 # sk-learn',
    'hf_hub_download(repo_id="bert-base-uncased")',
    'https://mlflow.example.com:5000/#/experiments/1',
    'http://localhost:8080/api/v2/dags?limit=100&offset=0',
    's3://mlflow-artifacts/1/abc/artifacts/model.pkl',
    'user@example.com logged in',
    'PWD=/opt/airflow',
    'Bearer of bad news',
    'eyJ is how base64 JSON starts',
  ])('leaves %j readable', (line) => {
    expect(maskSecrets(line)).toBe(line);
  });

  it('masks every secret on a line with several', () => {
    const out = maskSecrets('login password=a1 token=b2 and Bearer c3c3c3c3c3c3');
    expect(out).toBe('login password=**** token=**** and Bearer ****');
  });

  it('masks the lines of a private key block and keeps its header and END line', () => {
    expect(maskSecrets(PEM.join('\n'))).toBe(
      ['-----BEGIN RSA PRIVATE KEY-----', '****', '****', '-----END RSA PRIVATE KEY-----'].join('\n'),
    );
  });

  it('cuts a line longer than MAX_LINE before masking, and says how much was cut', () => {
    const out = maskSecrets(`password=${'x'.repeat(MAX_LINE * 2)}`);
    expect(out).toBe(`password=****… (${MAX_LINE + 9} chars cut)`);
  });
});

describe('maskSecretLines', () => {
  it('follows a private key block across lines and keeps one line per line', () => {
    const lines = ['starting', ...PEM, 'password=x done'];

    const out = maskSecretLines(lines);

    expect(out).toEqual([
      'starting',
      '-----BEGIN RSA PRIVATE KEY-----',
      '****',
      '****',
      '-----END RSA PRIVATE KEY-----',
      'password=**** done',
    ]);
  });

  it('stops masking after 200 lines when a block never ends', () => {
    const lines = [PEM[0] ?? '', ...Array.from({ length: 300 }, (_, i) => `line ${i}`)];

    const out = maskSecretLines(lines);

    expect(out.filter((l) => l === '****')).toHaveLength(200);
    expect(out.at(-1)).toBe('line 299');
  });
});

describe('containsSecret', () => {
  it('says whether masking would change a line', () => {
    expect(containsSecret('run x xoxb-1234-5678-abcdef')).toBe(true);
    expect(containsSecret('trigger train_model n_estimators=200')).toBe(false);
  });

  it('counts a line too long to check as secret', () => {
    expect(containsSecret('a'.repeat(MAX_LINE + 1))).toBe(true);
  });
});
