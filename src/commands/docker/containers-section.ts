import { isBotError } from '../../bot/errors.js';
import type { Field } from '../../bot/message.js';
import type { DockerClient } from '../../clients/docker/types.js';
import { isBroken, isReady } from './service-line.js';

export interface ContainersSection {
  ok: boolean;
  fields: Field[];
}

/** The containers part of `status`: one line, naming what is broken; never throws (Docker down is itself news). */
export async function containersSection(
  docker: Pick<DockerClient, 'listServices' | 'project'>,
  signal: AbortSignal,
): Promise<ContainersSection> {
  try {
    const list = await docker.listServices({ signal });
    if (list.length === 0) {
      return { ok: true, fields: [{ label: 'Containers', value: `none in project ${docker.project}`, inline: true }] };
    }
    const broken = list.filter(isBroken);
    const starting = list.filter((s) => !isBroken(s) && !isReady(s));
    const up = list.length - broken.length - starting.length;
    const parts = [`${up}/${list.length} up`];
    if (starting.length) parts.push(`starting: ${starting.map((s) => s.service).join(', ')}`);
    if (broken.length)
      parts.push(
        `down: ${broken.map((s) => `${s.service} (${s.health === 'unhealthy' ? 'unhealthy' : s.state})`).join(', ')}`,
      );
    return { ok: broken.length === 0, fields: [{ label: 'Containers', value: parts.join(' · '), inline: true }] };
  } catch (err) {
    const reason = isBotError(err) && err.userMessage ? err.userMessage : 'Docker is unreachable';
    return { ok: false, fields: [{ label: 'Containers', value: reason }] };
  }
}
