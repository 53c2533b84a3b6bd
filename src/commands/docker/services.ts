import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { type Action, code, type Message } from '../../bot/message.js';
import { defineCommand } from '../define-command.js';
import { describeService, isBroken, isReady, serviceIcon } from './service-line.js';

export const services = defineCommand({
  name: 'services',
  summary: 'State and health of each container in the compose project',
  permission: 'read',
  options: z.object({}),
  async handler({ clients, signal, clock, can }): Promise<Message> {
    const now = clock.now();
    const list = await clients.docker.listServices({ signal });
    const project = clients.docker.project;
    if (list.length === 0) {
      return { tone: 'info', text: `No containers in compose project ${code(project)}.` };
    }
    const broken = list.filter(isBroken);
    const waiting = list.filter((s) => !isBroken(s) && !isReady(s));
    // Buttons for the services that need a look; a click runs the same line as typing it.
    const actions: Action[] = [];
    for (const s of broken.slice(0, 2)) {
      actions.push(commandAction(`Logs ${s.service}`.slice(0, 60), 'service-logs', [s.service]));
      if (can('admin'))
        actions.push(commandAction(`Restart ${s.service}`.slice(0, 60), 'restart', [s.service], {}, 'danger'));
    }
    return {
      title: broken.length
        ? `${broken.length} of ${list.length} services need attention`
        : `${list.length} service${list.length === 1 ? '' : 's'} ${waiting.length ? 'up, some still starting' : 'up'}`,
      tone: broken.length ? 'error' : waiting.length ? 'warning' : 'success',
      fields: list.map((s) => ({
        label: `${serviceIcon(s)} ${s.service}`,
        value: `${describeService(s, now)}\n${s.image}`,
        inline: true,
      })),
      footer: `compose project ${project}`,
      ...(actions.length ? { actions } : {}),
    };
  },
});
