import type {
  CallOptions,
  DockerClient,
  LogLine,
  RestartResult,
  ServiceStatus,
} from '../../src/clients/docker/types.js';

/** A Docker port with a fixed service list; records calls. */
export class FakeDocker implements DockerClient {
  readonly project = 'mlops';
  readonly calls: { method: string; args: unknown[] }[] = [];
  services: ServiceStatus[] = [];
  logs: LogLine[] = [];

  async ping(_o?: CallOptions) {
    this.calls.push({ method: 'ping', args: [] });
    return { ok: true, apiVersion: '1.47' };
  }

  async listServices(_o?: CallOptions): Promise<ServiceStatus[]> {
    this.calls.push({ method: 'listServices', args: [] });
    return this.services;
  }

  async restart(service: string, _o?: CallOptions): Promise<RestartResult> {
    this.calls.push({ method: 'restart', args: [service] });
    return { service, tookMs: 1200, state: 'running', health: 'healthy' };
  }

  async tailLogs(service: string, q?: { lines?: number }, _o?: CallOptions): Promise<LogLine[]> {
    this.calls.push({ method: 'tailLogs', args: [service, q] });
    return this.logs.slice(-(q?.lines ?? 100));
  }
}
