import { expect } from 'chai';
import { RttAnnouncer } from './rtt-announcer.ts';
import { RttChannels, T140_LABEL, type RttChangeDetail } from './rtt-channel.ts';
import { BACKSPACE, BOM, encodeEdit, LINE_SEPARATOR, T140Decoder, T140Sender, toT140 } from './t140.ts';

const utf8 = (text: string) => new TextEncoder().encode(text).length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the other side shows after receiving `blocks` in turn, through one decoder. */
function shown(...blocks: string[]) {
  const decoder = new T140Decoder();
  return blocks.reduce((text, block) => decoder.apply(text, block), '');
}

describe('T.140 text', () => {
  describe('decoder', () => {
    it('erases one whole character per BACKSPACE, whatever its size in UTF-8', () => {
      // 2, 3 and 4 bytes in UTF-8; the last is a surrogate pair in JavaScript.
      expect([utf8('é'), utf8('€'), utf8('😀')]).to.deep.equal([2, 3, 4]);
      expect(shown(`aé€😀${BACKSPACE}`)).to.equal('aé€');
      expect(shown(`aé€😀${BACKSPACE.repeat(2)}`)).to.equal('aé');
      expect(shown(`aé€😀${BACKSPACE.repeat(3)}`)).to.equal('a');
      expect(shown(`aé€😀${BACKSPACE.repeat(9)}x`)).to.equal('x');
    });

    it('erases across messages, and across a new line', () => {
      expect(shown('goedemorgen', BACKSPACE, BACKSPACE, 'n!')).to.equal('goedemorgn!');
      expect(shown(`ja${LINE_SEPARATOR}`, BACKSPACE, ' hoor')).to.equal('ja hoor');
    });

    it('reads LINE SEPARATOR, CR LF, LF, CR and NEL each as one new line', () => {
      expect(shown(`a${LINE_SEPARATOR}b\r\nc\nd\re\u0085f`)).to.equal('a\nb\nc\nd\ne\nf');
      // A CR LF split over two messages is still one new line.
      expect(shown('a\r', '\nb')).to.equal('a\nb');
      expect(shown('a\r\n\r\nb')).to.equal('a\n\nb');
    });

    it('shows nothing for a keep-alive BOM, the alert, other controls or escape sequences', () => {
      expect(shown(`${BOM}a${BOM}`, '\u0007b\u0000')).to.equal('ab');
      // SGR colour (ESC [ 3 1 m), split across messages; SOS … ST; ESC + one character.
      expect(shown('rood: \u001b[3', '1mrood\u001b[0m.')).to.equal('rood: rood.');
      expect(shown('x\u0098verborgen\u009cy', '\u001bXook\u001b\\z', '\u001bcw')).to.equal('xyzw');
    });

    it('keeps a long text within its bound, from a whole line on', () => {
      const decoder = new T140Decoder(50);
      const text = decoder.apply('', `${'a'.repeat(40)}${LINE_SEPARATOR}${'b'.repeat(30)}`);
      expect(text).to.equal('b'.repeat(30));
    });
  });

  describe('encoder', () => {
    it('sends what was added, with new lines as LINE SEPARATOR', () => {
      expect(encodeEdit('', 'h')).to.equal('h');
      expect(encodeEdit('h', 'ha')).to.equal('a');
      expect(encodeEdit('ha', 'ha\nb')).to.equal(`${LINE_SEPARATOR}b`);
      expect(toT140('a\r\nb\tc\u0007')).to.equal(`a${LINE_SEPARATOR}b c`);
    });

    it('sends a deletion as one BACKSPACE per character, a multi-byte one too', () => {
      expect(encodeEdit('aé€😀', 'aé€')).to.equal(BACKSPACE);
      expect(encodeEdit('aé€😀', 'a')).to.equal(BACKSPACE.repeat(3));
      // Two emoji that share their first UTF-16 unit: the pair is never split.
      expect(encodeEdit('😀', '😃')).to.equal(`${BACKSPACE}😃`);
    });

    it('sends a correction earlier in the text as erasing back to it and typing the rest again', () => {
      const before = 'ik kom morgn om tien uur';
      const after = 'ik kom morgen om tien uur';
      const edit = encodeEdit(before, after);
      expect(edit).to.equal(`${BACKSPACE.repeat('n om tien uur'.length)}en om tien uur`);
      expect(shown(before, edit)).to.equal(after);
    });

    it('round-trips any edit: the other side shows what we see', () => {
      const steps = ['', 'H', 'Hallo', 'Hallo\n', 'Hallo\nwéreld 😀', 'Hallo\nwereld 😀', 'Hal', 'Hallo, €5', ''];
      const decoder = new T140Decoder();
      let remote = '';
      for (let i = 1; i < steps.length; i++) {
        remote = decoder.apply(remote, encodeEdit(steps[i - 1]!, steps[i]!));
        expect(remote).to.equal(steps[i]);
      }
    });
  });

  describe('buffering', () => {
    it('sends the first keystroke at once and the next ones together, at most every 300 ms', async () => {
      const sent: { block: string; at: number }[] = [];
      const sender = new T140Sender((block) => sent.push({ block, at: performance.now() }));
      const start = performance.now();
      sender.write('a');
      expect(sent.map((s) => s.block)).to.deep.equal(['a']);
      await sleep(20);
      for (const c of 'bcdef') sender.write(c);
      await sleep(400);
      sender.write('g');
      await sleep(350);
      expect(sent.map((s) => s.block)).to.deep.equal(['a', 'bcdef', 'g']);
      expect(sent[0]!.at - start).to.be.below(50);
      for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).to.be.at.least(290);
      // Nothing waits much longer than the interval: 'b' was typed ~20 ms after 'a' went.
      expect(sent[1]!.at - start).to.be.below(1000);
    });

    it('sends what is buffered when closed', () => {
      const sent: string[] = [];
      const sender = new T140Sender((block) => sent.push(block));
      sender.write('a');
      sender.write('b');
      sender.close();
      expect(sent).to.deep.equal(['a', 'b']);
    });
  });

  describe('announcements', () => {
    it('says who started typing, then each finished line, and joins what comes too fast', async () => {
      const said: string[] = [];
      let now = 0;
      const announcer = new RttAnnouncer((text) => said.push(text), { started: (n) => `${n} typt`, said: (n, t) => `${n}: ${t}` }, {
        gapMs: 1000,
        pauseMs: 60_000,
        now: () => now,
      });
      announcer.update('p', 'Marie Claes', 'G');
      now = 100;
      announcer.update('p', 'Marie Claes', 'Goedemorgen');
      now = 200;
      announcer.update('p', 'Marie Claes', 'Goedemorgen\n');
      expect(said).to.deep.equal(['Marie Claes typt']);
      now = 1200;
      await sleep(900);
      expect(said).to.deep.equal(['Marie Claes typt', 'Marie Claes: Goedemorgen']);
      announcer.close();
    });

    it('reads what was typed when the typing pauses mid-line', async () => {
      const said: string[] = [];
      const announcer = new RttAnnouncer((text) => said.push(text), { started: (n) => `${n} typt`, said: (n, t) => `${n}: ${t}` }, {
        gapMs: 0,
        pauseMs: 50,
      });
      announcer.update('p', 'Jan', 'ja');
      await sleep(150);
      expect(said).to.deep.equal(['Jan typt', 'Jan: ja']);
      announcer.close();
    });
  });
});

describe('T.140 data channel', () => {
  it('opens a "t140" channel next to the existing one and carries edits; other channels still reach their own handler', async () => {
    const a = new RTCPeerConnection({ iceServers: [] });
    const b = new RTCPeerConnection({ iceServers: [] });
    a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
    // As simple-peer does: one channel, and on the answering side a handler that adopts any channel.
    a.createDataChannel('simple-peer');
    const adopted: string[] = [];
    b.ondatachannel = ({ channel }) => adopted.push(channel.label);
    const sender = new RttChannels();
    const receiver = new RttChannels();
    sender.attach({ peerId: 'b', pc: a, initiator: true });
    receiver.attach({ peerId: 'a', pc: b, initiator: false });
    const changes: RttChangeDetail[] = [];
    receiver.addEventListener('change', (e) => changes.push((e as CustomEvent<RttChangeDetail>).detail));
    let t140: RTCDataChannel | undefined;
    const opened = new Promise<void>((resolve) => {
      const original = b.ondatachannel!;
      b.ondatachannel = (event) => {
        original.call(b, event);
        if (event.channel.label === T140_LABEL) {
          t140 = event.channel;
          event.channel.addEventListener('open', () => resolve());
        }
      };
    });
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);
    await opened;
    await sleep(50);
    expect(adopted).to.deep.equal(['simple-peer']);
    expect(t140?.protocol).to.equal('t140');
    expect(t140?.ordered).to.equal(true);
    expect(t140?.maxRetransmits).to.equal(null);

    for (const value of ['h', 'ha', 'hal', 'hallo', 'hallo\n', 'hallo\nwé', 'hallo\nw']) sender.type(value);
    await sleep(800);
    expect(receiver.texts.get('a')).to.equal('hallo\nw');
    expect(changes.at(-1)).to.deep.equal({ peerId: 'a', text: 'hallo\nw' });
    sender.close();
    receiver.close();
    a.close();
    b.close();
  });
});
