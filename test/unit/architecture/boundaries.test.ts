import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const rules = (createRequire(import.meta.url)(CONFIG) as { forbidden: { name: string }[] }).forbidden;

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** `depcruise src` exactly as `npm run lint` runs it, in `cwd`. */
function depcruise(cwd: string): Violation[] {
  const bin = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const r = spawnSync(process.execPath, [bin, 'src', '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!r.stdout) throw new Error(`depcruise printed nothing:\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

/** One wrong-way import per rule, each in its own file of a copy of src. */
const PLANTS: { rule: string; file: string; line: string; to: string }[] = [
  {
    rule: 'kernel-imports-nothing-above-it',
    file: 'src/bot/types.ts',
    line: "import type { Store } from '../store/store.js';",
    to: 'src/store/store.ts',
  },
  { rule: 'no-circular', file: 'src/bot/types.ts', line: '', to: 'src/store/store.ts' },
  {
    rule: 'kernel-uses-no-sdk',
    file: 'src/bot/message.ts',
    line: "import type { Client } from 'discord.js';",
    to: 'node_modules/discord.js/',
  },
  {
    rule: 'commands-use-ports-not-infrastructure',
    file: 'src/commands/help.ts',
    line: "import { toPlainText } from '../render/plain-text.js';",
    to: 'src/render/plain-text.ts',
  },
  {
    rule: 'client-and-store-are-types-to-verbs-and-scheduler',
    file: 'src/commands/status.ts',
    line: "import { safeUrl } from '../clients/http/safe-url.js';",
    to: 'src/clients/http/safe-url.ts',
  },
  {
    rule: 'renderers-see-only-the-message-model',
    file: 'src/render/plain-text.ts',
    line: "import type { AirflowClient } from '../clients/airflow/types.js';",
    to: 'src/clients/airflow/types.ts',
  },
  {
    rule: 'renderers-use-no-npm',
    file: 'src/render/limits.ts',
    line: "import ms from 'ms';",
    to: 'node_modules/ms/',
  },
  {
    rule: 'clients-import-only-kernel-basics',
    file: 'src/clients/clients.ts',
    line: "import type { Core } from '../bot/core.js';",
    to: 'src/bot/core.ts',
  },
  {
    rule: 'store-imports-only-the-kernel',
    file: 'src/store/store.ts',
    line: "import type { Alert } from '../scheduler/watcher.js';",
    to: 'src/scheduler/watcher.ts',
  },
  {
    rule: 'store-implementations-stay-behind-the-interface',
    file: 'src/scheduler/route-alerts.ts',
    line: "import { createSqliteStore } from '../store/sqlite/sqlite-store.js';",
    to: 'src/store/sqlite/sqlite-store.ts',
  },
  {
    rule: 'scheduler-reaches-chat-only-through-the-port',
    file: 'src/scheduler/watcher.ts',
    line: "import type { SlackAdapter } from '../adapters/slack/slack-adapter.js';",
    to: 'src/adapters/slack/slack-adapter.ts',
  },
  {
    rule: 'client-and-store-are-types-to-verbs-and-scheduler',
    file: 'src/scheduler/watchers/docker-health.ts',
    line: "import { createDockerClient } from '../../clients/docker/docker-client.js';",
    to: 'src/clients/docker/docker-client.ts',
  },
  {
    rule: 'adapters-translate-and-render-only',
    file: 'src/adapters/slack/slack-render.ts',
    line: "import type { Store } from '../../store/store.js';",
    to: 'src/store/store.ts',
  },
  {
    rule: 'http-serves-below-the-app',
    file: 'src/http/webhooks/signatures.ts',
    line: "import type { Store } from '../../store/store.js';",
    to: 'src/store/store.ts',
  },
  {
    rule: 'only-the-app-composes',
    file: 'src/scheduler/scheduler.ts',
    line: "import type { App } from '../app/create-app.js';",
    to: 'src/app/create-app.ts',
  },
  {
    rule: 'cli-entry-only-starts-the-app',
    file: 'src/cli.ts',
    line: "import { createCore } from './bot/core.js';",
    to: 'src/bot/core.ts',
  },
  {
    rule: 'slack-sdk-stays-in-its-home',
    file: 'src/adapters/discord/discord-actor.ts',
    line: "import type { App } from '@slack/bolt';",
    to: 'node_modules/@slack/bolt/',
  },
  {
    rule: 'discord-sdk-stays-in-its-home',
    file: 'src/scheduler/cards/airflow-cards.ts',
    line: "import type { EmbedBuilder } from 'discord.js';",
    to: 'node_modules/discord.js/',
  },
  {
    rule: 'axios-stays-in-its-home',
    file: 'src/http/health.ts',
    line: "import axios from 'axios';",
    to: 'node_modules/axios/',
  },
  {
    rule: 'dockerode-stays-in-its-home',
    file: 'src/commands/docker/restart.ts',
    line: "import type Docker from 'dockerode';",
    to: 'dockerode/',
  },
  {
    rule: 'better-sqlite3-stays-in-its-home',
    file: 'src/scheduler/outbox-drainer.ts',
    line: "import type Database from 'better-sqlite3';",
    to: 'better-sqlite3/',
  },
  {
    rule: 'node-cron-stays-in-its-home',
    file: 'src/adapters/slack/follow-up-queue.ts',
    line: "import cron from 'node-cron';",
    to: 'node_modules/node-cron/',
  },
  { rule: 'not-to-unresolvable', file: 'src/bot/glob.ts', line: "import './no-such-module.js';", to: 'no-such-module' },
];

describe('the import boundaries (.dependency-cruiser.cjs, run by npm run lint)', () => {
  const copy = mkdtempSync(join(tmpdir(), 'mlops-boundaries-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('hold in src as it is', () => {
    expect(depcruise(ROOT).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  }, 60_000);

  it('catch a planted wrong-way import for every rule', () => {
    cpSync(join(ROOT, 'src'), join(copy, 'src'), { recursive: true });
    cpSync(join(ROOT, 'tsconfig.json'), join(copy, 'tsconfig.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    for (const p of PLANTS) if (p.line) appendFileSync(join(copy, p.file), `\n${p.line}\n`);

    const found = depcruise(copy);

    const missed = PLANTS.filter(
      (p) => !found.some((v) => v.rule.name === p.rule && v.from === p.file && v.to.includes(p.to)),
    );
    expect(missed.map((p) => `${p.rule}: ${p.file} → ${p.to}`)).toEqual([]);
    expect(new Set(PLANTS.map((p) => p.rule))).toEqual(new Set(rules.map((r) => r.name)));
  }, 60_000);
});
