import type { ChildProcess } from 'node:child_process';
import * as http from 'node:http';

/**
 * Stops a process a test started and resolves once it has exited: a child still running (or its
 * pipes still open) keeps the jest worker alive after its tests ("failed to exit gracefully").
 */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  await exited;
}

/** Closes a server a test started, its keep-alive connections included (close() alone waits for them). */
export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  if (!server.listening) return;
  await new Promise((resolve) => server.close(resolve));
}
