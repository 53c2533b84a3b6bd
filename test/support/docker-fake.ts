// An in-memory DockerClient for command unit tests; the real client is tested against dockerd in test/integration.
import { userError } from '../../src/bot/errors.js';
import type {
  DockerClient,
  LogLine,
  RestartOptions,
  RestartResult,
  ServiceStatus,
} from '../../src/clients/docker/types.js';

export class FakeDockerClient implements DockerClient {
  readonly restarts: { service: string; opts?: RestartOptions }[] = [];
  readonly logQueries: { service: string; lines?: number; sinceSec?: number }[] = [];
  afterRestart: Partial<RestartResult> = {};

  constructor(
    readonly project: string,
    public services: ServiceStatus[],
    public logs: Record<string, LogLine[]> = {},
  ) {}

  async ping() {
    return { ok: true, apiVersion: '1.41' };
  }

  async listServices() {
    return this.services.map((s) => ({ ...s }));
  }

  private known(service: string): void {
    if (!this.services.some((s) => s.service === service)) {
      throw userError('NOT_FOUND', `No service '${service}' in compose project '${this.project}'`, {
        service: 'docker',
      });
    }
  }

  async restart(service: string, opts?: RestartOptions): Promise<RestartResult> {
    this.known(service);
    this.restarts.push({ service, opts });
    return { service, tookMs: 1500, state: 'running', health: 'healthy', ...this.afterRestart };
  }

  async tailLogs(service: string, q: { lines?: number; sinceSec?: number } = {}): Promise<LogLine[]> {
    this.known(service);
    this.logQueries.push({ service, ...q });
    return (this.logs[service] ?? []).slice(-(q.lines ?? 50));
  }
}

export function serviceStatus(over: Partial<ServiceStatus> & Pick<ServiceStatus, 'service'>): ServiceStatus {
  return {
    containerId: `${over.service}-id`,
    containerName: `mlops_${over.service}_1`,
    image: `local/${over.service}:test`,
    state: 'running',
    health: 'healthy',
    restartCount: 0,
    ...over,
  };
}
