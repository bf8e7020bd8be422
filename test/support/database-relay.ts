/**
 * The test's PostgreSQL behind a TCP relay of the test's own, so that a test can take the
 * database away from the app (every relayed connection cut, new ones refused, as in a restart or
 * a network fault) and bring it back on the same address, or cut the one connection that sends a
 * given statement before the statement reaches the server. Only what goes through `url` is cut.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";

export interface DatabaseRelay {
  /** the database's URL with the relay's address in place of the server's */
  url: string;
  /** Cuts every relayed connection and stops listening: connecting is refused. */
  takeAway(): Promise<void>;
  /** Listens again on the same port. */
  bringBack(): Promise<void>;
  /**
   * The next time a connection sends text containing `text` (a statement's SQL), that connection
   * is cut instead, and the text never reaches the server; other connections, and new ones, go on.
   */
  cutOnceAt(text: string): void;
}

export async function databaseRelay(databaseUrl: string): Promise<DatabaseRelay> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let relay: Server | undefined;
  let cutAt: string | null = null;
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      relay = createServer((client) => {
        const server = tcpConnect(Number(target.port || 5432), target.hostname);
        for (const s of [client, server]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => undefined);
        }
        server.pipe(client);
        client.on("data", (chunk: Buffer) => {
          if (cutAt !== null && chunk.includes(cutAt)) {
            cutAt = null;
            client.destroy();
            server.destroy();
          } else server.write(chunk);
        });
      });
      relay.listen(port, "127.0.0.1", () => resolve((relay!.address() as { port: number }).port));
    });
  const port = await listen(0);
  const relayed = new URL(databaseUrl);
  relayed.host = `127.0.0.1:${port}`;
  return {
    url: relayed.toString(),
    takeAway: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!relay?.listening) return resolve();
        relay.close(() => resolve());
      }),
    bringBack: async () => {
      await listen(port);
    },
    cutOnceAt: (text) => {
      cutAt = text;
    },
  };
}
