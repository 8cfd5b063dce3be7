import { expect } from 'chai';
import { SignallingClient } from './signalling.ts';

/** A join as the server answers it; meeting ids are base64url (`-` and `_` included). */
const join = { meetingId: 'Ab-9_xYz0123456789-_abcd', peerId: '0123456789abcdef0123456789abcdef', credential: 'eyJtIjoi.c2ln', signal: { path: '/signal', key: 'balie' } };

describe('signalling client', () => {
  describe('the socket address', () => {
    it('carries meeting=<meetingId> once, as raw text, next to key, id and token: HAProxy hashes exactly that text', () => {
      const url = SignallingClient.for('https://balie.example/', join).url;
      const query = url.slice(url.indexOf('?') + 1).split('&');
      expect(query.filter((part) => part.startsWith('meeting='))).to.deep.equal([`meeting=${join.meetingId}`]);
      const params = new URL(url).searchParams;
      expect([params.get('key'), params.get('id'), params.get('token')]).to.deep.equal(['balie', join.peerId, join.credential]);
    });

    it('opens on the server’s origin, wss for https and ws for http, at <path>/peerjs', () => {
      expect(SignallingClient.for('https://balie.example/', join).url).to.match(/^wss:\/\/balie\.example\/signal\/peerjs\?/);
      expect(SignallingClient.for('http://127.0.0.1:8080', { ...join, signal: { path: '/signal/', key: 'balie' } }).url).to.match(
        /^ws:\/\/127\.0\.0\.1:8080\/signal\/peerjs\?/,
      );
    });
  });
});
