import { expect } from 'chai';
import '../views/chat-panel.ts';
import type { BalieChatPanel } from '../views/chat-panel.ts';
import { waitFor } from '../test-support/dom.ts';
import { MAX_CHAT_TEXT, readChatMessage, type ChatMessage } from './chat-message.ts';

const NOW = new Date('2027-03-01T08:00:00.000Z');

/**
 * A real data channel between two connections in this page, as the call's mesh has one per pair:
 * what goes in at one end arrives at the other as the bytes another participant's page sent.
 */
async function dataChannelPair(): Promise<{ send(data: string | Uint8Array<ArrayBuffer>): void; received: (string | Uint8Array)[]; close(): void }> {
  const a = new RTCPeerConnection({ iceServers: [] });
  const b = new RTCPeerConnection({ iceServers: [] });
  a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
  const outgoing = a.createDataChannel('chat');
  outgoing.binaryType = 'arraybuffer';
  const received: (string | Uint8Array)[] = [];
  b.ondatachannel = ({ channel }) => {
    channel.binaryType = 'arraybuffer';
    channel.onmessage = ({ data }) => received.push(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
  };
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
  await new Promise((resolve) => (outgoing.readyState === 'open' ? resolve(undefined) : (outgoing.onopen = resolve)));
  return {
    send: (data) => (typeof data === 'string' ? outgoing.send(data) : outgoing.send(data)),
    received,
    close: () => {
      a.close();
      b.close();
    },
  };
}

afterEach(() => document.querySelectorAll('balie-chat-panel').forEach((el) => el.remove()));

describe('chat messages from other participants', () => {
  it('when a peer sends malformed messages over the data channel, then they are dropped or repaired and the chat still renders', async () => {
    const channel = await dataChannelPair();
    const bytes = (text: string) => new TextEncoder().encode(text);
    const frames: (string | Uint8Array<ArrayBuffer>)[] = [
      bytes(JSON.stringify({ kind: 'chat', from: 'Staff', text: 'Goedemorgen', at: '2027-03-01T07:59:00.000Z' })),
      bytes(JSON.stringify({ kind: 'chat', text: 'bad time', at: 'not a date' })),
      bytes(JSON.stringify({ kind: 'chat', text: 'number time', at: 12345 })),
      bytes(JSON.stringify({ kind: 'chat', text: 'far time', at: '+275760-09-13T00:00:00.000Z' })),
      bytes(JSON.stringify({ kind: 'chat', text: 'object time', at: { toString: 1 } })),
      bytes(JSON.stringify({ kind: 'chat', text: 'no time' })),
      bytes(JSON.stringify({ kind: 'chat', text: `long ${'x'.repeat(5000)}`, at: NOW.toISOString() })),
      bytes(JSON.stringify({ kind: 'chat', text: 'bell\u0007 and\u0000 nul\nnext line', at: NOW.toISOString() })),
      bytes(JSON.stringify({ kind: 'chat', text: 42 })),
      bytes(JSON.stringify({ kind: 'chat', text: '   ' })),
      bytes(JSON.stringify({ kind: 'other', text: 'not chat' })),
      bytes(JSON.stringify([{ kind: 'chat', text: 'in an array' }])),
      bytes('null'),
      bytes('{not json'),
      new Uint8Array([0xff, 0xfe, 0x00, 0x7b]),
      bytes(JSON.stringify({ kind: 'chat', text: 'y'.repeat(20_000) })),
      JSON.stringify({ kind: 'chat', text: 'as text frame', at: NOW.toISOString() }),
    ];
    for (const frame of frames) channel.send(frame);
    await waitFor(() => channel.received.length === frames.length, 'every frame arrived');
    channel.close();

    const messages = channel.received.map((data) => readChatMessage(data, 'Jan', () => NOW)).filter((m): m is ChatMessage => !!m);
    expect(messages.map((m) => m.text.slice(0, 12))).to.deep.equal([
      'Goedemorgen',
      'bad time',
      'number time',
      'far time',
      'object time',
      'no time',
      `long ${'x'.repeat(7)}`,
      'bell and nul',
      'as text fram',
    ]);
    expect(messages.every((m) => m.from === 'Jan'), 'the name is the listed one, never the message\'s').to.equal(true);
    expect(messages[0]!.at).to.equal('2027-03-01T07:59:00.000Z');
    expect(messages.slice(1, 6).map((m) => m.at)).to.deep.equal(Array(5).fill(NOW.toISOString()));
    expect(messages[6]!.text.length).to.equal(MAX_CHAT_TEXT);
    expect(messages[7]!.text).to.equal('bell and nul\nnext line');

    const panel = document.createElement('balie-chat-panel') as BalieChatPanel;
    document.body.append(panel);
    panel.messages = messages;
    await panel.updateComplete;
    const items = [...panel.shadowRoot!.querySelectorAll('li')];
    expect(items.length).to.equal(messages.length);
    expect(items[1]!.textContent).to.contain('bad time');
    expect(items[0]!.textContent).to.contain('08:59');
  });
});
