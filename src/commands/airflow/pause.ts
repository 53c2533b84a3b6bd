import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { dagId } from '../../bot/ids.js';
import { code, type Message } from '../../bot/message.js';
import type { Dag } from '../../clients/airflow/types.js';
import { defineCommand } from '../define-command.js';
import { orNotFound } from '../not-found.js';

function reply(dag: Dag, paused: boolean): Message {
  return {
    title: `${paused ? 'Paused' : 'Unpaused'} ${dag.dagId}`,
    tone: 'success',
    actions: [
      commandAction(paused ? 'Unpause' : 'Pause', paused ? 'unpause' : 'pause', [dag.dagId]),
      { kind: 'link', label: 'Open in Airflow', url: dag.url },
    ],
  };
}

const options = z.object({ dag: dagId });

export const pause = defineCommand({
  name: 'pause',
  summary: 'Pause a DAG: no new scheduled runs',
  permission: 'operate',
  reply: 'channel',
  args: ['dag'],
  options,
  async handler({ options: o, clients, signal }) {
    const dag = await orNotFound(clients.airflow.setPaused(o.dag, true, { signal }), `DAG ${code(o.dag)}`);
    return reply(dag, true);
  },
});

export const unpause = defineCommand({
  name: 'unpause',
  summary: 'Unpause a DAG',
  permission: 'operate',
  reply: 'channel',
  args: ['dag'],
  options,
  async handler({ options: o, clients, signal }) {
    const dag = await orNotFound(clients.airflow.setPaused(o.dag, false, { signal }), `DAG ${code(o.dag)}`);
    return reply(dag, false);
  },
});
