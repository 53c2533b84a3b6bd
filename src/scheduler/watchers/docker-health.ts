import type { DockerClient } from '../../clients/docker/types.js';
import { type ContainerProblem, containerCard, containerRecoveredCard, problemOf } from '../cards/docker-cards.js';
import type { Alert, WatchContext, Watcher } from '../watcher.js';

type Port = Pick<DockerClient, 'project' | 'listServices' | 'tailLogs'>;

interface Cursor {
  v: 1;
  restarts: Record<string, number>;
  open: Record<string, { key: string; problem: ContainerProblem; since: string }>;
}

export function createDockerHealthWatcher(deps: { docker: Port; logLines?: number }): Watcher {
  return {
    id: 'docker-health',
    topic: 'docker.health',
    async check(ctx: WatchContext) {
      let c: Cursor = { v: 1, restarts: {}, open: {} };
      if (ctx.cursor) {
        try {
          const parsed = JSON.parse(ctx.cursor) as Cursor;
          if (parsed.v === 1) c = parsed;
        } catch {
          // a corrupt cursor only forgets restart counts; open incidents are found again on this tick
        }
      }
      const services = await deps.docker.listServices({ signal: ctx.signal });
      const alerts: Alert[] = [];
      for (const s of services) {
        const problem = problemOf(s, c.restarts[s.service]);
        c.restarts[s.service] = s.restartCount;
        const open = c.open[s.service];
        const match = { service: s.service, project: deps.docker.project };
        if (problem && !open) {
          const logs = await deps.docker
            .tailLogs(s.service, { lines: deps.logLines ?? 20 }, { signal: ctx.signal })
            .catch(() => []);
          const key = `docker:${deps.docker.project}:${s.service}:${ctx.now.getTime()}`;
          c.open[s.service] = { key, problem, since: ctx.now.toISOString() };
          alerts.push({ key, kind: 'open', message: containerCard(s, problem, logs), match, subject: s.service });
        } else if (!problem && open && (s.health === 'healthy' || (s.health === 'none' && s.state === 'running'))) {
          delete c.open[s.service];
          const message = containerRecoveredCard(s, open.problem, ctx.now.getTime() - Date.parse(open.since));
          alerts.push({ key: open.key, kind: 'resolve', message, match, subject: s.service });
        }
      }
      return { alerts, cursor: JSON.stringify(c) };
    },
  };
}
