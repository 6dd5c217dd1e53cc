import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay a test can cut (connections dropped, new ones refused), freeze (bytes silently
 * dropped, nobody told) and restore: "Redis / the feed went away" without stopping the real one.
 */
export class TcpProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private open = true;
  private frozen = false;

  private constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.server = createServer((client) => this.relay(client));
  }

  static async start(targetUrl: string): Promise<TcpProxy> {
    const target = new URL(targetUrl);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** `targetUrl` with its host and port replaced by this relay's (credentials, path kept). */
  urlFor(targetUrl: string): string {
    const url = new URL(targetUrl);
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy is not listening');
    url.hostname = '127.0.0.1';
    url.port = String(address.port);
    return url.toString();
  }

  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  freeze(): void {
    this.frozen = true;
  }

  restore(): void {
    this.open = true;
    this.frozen = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    if (!this.open) {
      client.destroy();
      return;
    }
    const upstream = connect(this.port, this.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => {
      if (!this.frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!this.frozen) client.write(chunk);
    });
  }
}
