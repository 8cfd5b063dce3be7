import { expect } from 'chai';
import type { ChatMessage } from '../call/peer-mesh.ts';
import './chat-panel.ts';
import type { BalieChatPanel } from './chat-panel.ts';

const message = (text: string): ChatMessage => ({ kind: 'chat', from: 'An Peeters', text, at: '2027-03-25T09:00:00.000Z' });

/** Renders one chat message and returns its list item, as the citizen sees it. */
async function shown(text: string) {
  const panel = document.createElement('balie-chat-panel') as BalieChatPanel;
  panel.messages = [message(text)];
  document.body.append(panel);
  await panel.updateComplete;
  const item = panel.shadowRoot!.querySelector('li')!;
  const links = [...item.querySelectorAll('a')].map((a) => ({ href: a.getAttribute('href'), text: a.textContent }));
  // The words after the sender and the time: the whole sentence must read as written.
  const sentence = item.textContent!.slice(item.textContent!.indexOf(text.slice(0, 5)));
  return { links, sentence };
}

afterEach(() => document.querySelectorAll('balie-chat-panel').forEach((el) => el.remove()));

describe('chat panel', () => {
  describe('links in a message (issue 11)', () => {
    it('leaves the full stop after a link at the end of a sentence out of the link', async () => {
      const { links, sentence } = await shown('Meer uitleg vindt u op https://www.wilsede.be/premies.');
      expect(links).to.deep.equal([{ href: 'https://www.wilsede.be/premies', text: 'https://www.wilsede.be/premies' }]);
      expect(sentence).to.equal('Meer uitleg vindt u op https://www.wilsede.be/premies.');
    });

    it('leaves a comma after a link out of it', async () => {
      const { links, sentence } = await shown('Kijk op https://www.wilsede.be/premies, daar staat het formulier.');
      expect(links).to.deep.equal([{ href: 'https://www.wilsede.be/premies', text: 'https://www.wilsede.be/premies' }]);
      expect(sentence).to.equal('Kijk op https://www.wilsede.be/premies, daar staat het formulier.');
    });

    it('leaves the closing parenthesis around a link out of it, and keeps one that belongs to the address', async () => {
      const { links } = await shown('Het formulier (https://www.wilsede.be/premies) en de uitleg (https://nl.wikipedia.org/wiki/Mantelzorg_(zorg)).');
      expect(links).to.deep.equal([
        { href: 'https://www.wilsede.be/premies', text: 'https://www.wilsede.be/premies' },
        { href: 'https://nl.wikipedia.org/wiki/Mantelzorg_(zorg)', text: 'https://nl.wikipedia.org/wiki/Mantelzorg_(zorg)' },
      ]);
    });

    it('links an address in the middle of a sentence and keeps the words around it', async () => {
      const { links, sentence } = await shown('Ga naar http://www.wilsede.be/loket?dag=di#uren en kies een uur');
      expect(links).to.deep.equal([{ href: 'http://www.wilsede.be/loket?dag=di#uren', text: 'http://www.wilsede.be/loket?dag=di#uren' }]);
      expect(sentence).to.equal('Ga naar http://www.wilsede.be/loket?dag=di#uren en kies een uur');
    });

    it('links only addresses written with http(s): no bare domain, e-mail address or other scheme', async () => {
      const { links, sentence } = await shown('Mail info@wilsede.be, zie wilsede.be of javascript:alert(1) en ftp://wilsede.be/x');
      expect(links).to.deep.equal([]);
      expect(sentence).to.equal('Mail info@wilsede.be, zie wilsede.be of javascript:alert(1) en ftp://wilsede.be/x');
    });

    it('opens a link in a new tab without access to the call page', async () => {
      await shown('Zie https://www.wilsede.be/premies.');
      const a = document.querySelector('balie-chat-panel')!.shadowRoot!.querySelector('a')!;
      expect(a.target).to.equal('_blank');
      expect(a.rel).to.equal('noopener noreferrer');
    });
  });
});
