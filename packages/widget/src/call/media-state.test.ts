import { expect } from 'chai';
import { readMediaState } from './media-state.ts';

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('readMediaState', () => {
  describe('properties', () => {
    it('reads audio only, so the others can say "neemt deel met alleen geluid" (issue 11)', () => {
      expect(readMediaState(bytes({ kind: 'media', camera: false, microphone: true, audioOnly: true }))).to.deep.equal({
        kind: 'media',
        camera: false,
        microphone: true,
        audioOnly: true,
      });
    });

    it('reads a state without audioOnly as before (a participant on an older widget)', () => {
      expect(readMediaState(bytes({ kind: 'media', camera: true, microphone: false }))).to.deep.equal({ kind: 'media', camera: true, microphone: false });
      expect(readMediaState(JSON.stringify({ kind: 'media', camera: false, microphone: true, audioOnly: false }))).to.deep.equal({
        kind: 'media',
        camera: false,
        microphone: true,
      });
    });

    it('refuses an audioOnly that is not a boolean, and anything longer than a media state', () => {
      for (const audioOnly of ['yes', 1, null, {}]) expect(readMediaState(bytes({ kind: 'media', camera: false, microphone: true, audioOnly }))).to.equal(undefined);
      expect(readMediaState(bytes({ kind: 'media', camera: false, microphone: true, audioOnly: true, padding: 'x'.repeat(200) }))).to.equal(undefined);
    });
  });
});
