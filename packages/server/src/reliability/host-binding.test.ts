import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { startTestServer } from '../../../../test-support/server.ts';

/**
 * Another address of this machine than the one the server binds by default. Tests send traffic to
 * the loopback range only; on Linux every 127.x address reaches this machine, but a socket bound to
 * 127.0.0.1 accepts nothing on 127.0.0.2, exactly as it accepts nothing on a network interface.
 */
const outwardAddress = '127.0.0.2';

/** 'refused' when nothing listens there, 'open' when a connection is accepted. */
function probe(host: string, port: number): Promise<'open' | 'refused'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(3000, () => socket.destroy(new Error(`no answer from ${host}:${port}`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve('refused') : reject(error)));
  });
}

describe('HOST: the interface the server listens on', () => {
  it('when HOST is not set, then it listens on 127.0.0.1 only: another address of this machine is refused', async () => {
    const server = await startTestServer();
    try {
      const { address, port } = server.app.server.address() as AddressInfo;
      assert.equal(address, '127.0.0.1');
      assert.equal(await probe(outwardAddress, port), 'refused', `${outwardAddress}:${port}`);
      assert.equal(await probe('127.0.0.1', port), 'open');
    } finally {
      await server.cleanup();
    }
  });

  it('when HOST=0.0.0.0, then it is reached on another address of this machine, without the demo mailbox of personal links', async () => {
    const server = await startTestServer({ env: { HOST: '0.0.0.0' } });
    try {
      const { address, port } = server.app.server.address() as AddressInfo;
      assert.equal(address, '0.0.0.0');
      const config = await fetch(`http://${outwardAddress}:${port}/api/config`);
      assert.equal(config.status, 200);
      assert.equal((await fetch(`http://${outwardAddress}:${port}/demo/mailbox`)).status, 404, 'no local start: no mailbox');
    } finally {
      await server.cleanup();
    }
  });
});
