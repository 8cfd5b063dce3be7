import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NAME_MAX, personName } from './person-name.ts';

const refusal = (value: string) => {
  const result = personName.safeParse(value);
  return result.success ? undefined : result.error.issues.map((issue) => issue.message).join('; ');
};

describe('a person’s name, as our mails repeat it', () => {
  it('when it is a real name (accents, hyphens, apostrophes, initials, particles), then it is accepted as written', () => {
    for (const name of [
      'Marie Claes',
      'Ann-Sofie Van den Broeck',
      'Zoë d’Hondt',
      "Jean-Pierre N'Guessan",
      'J.P. Dupont',
      'A.Janssens',
      'Ahmed Ben Ali',
      'Łukasz Wiśniewski',
      'Αλέξανδρος Παπαδόπουλος',
      'محمد العلي',
      '李小龙',
      'x'.repeat(NAME_MAX),
    ]) {
      assert.equal(refusal(name), undefined, name);
      assert.equal(personName.parse(name), name);
    }
    assert.equal(personName.parse('  Marie Claes  '), 'Marie Claes', 'surrounding spaces are trimmed');
  });

  it('when it holds a line break, tab, control or format character, then it is refused as not one line', () => {
    for (const name of [
      'Marie\nKlik hier',
      'Marie\r\nBcc: x',
      'Marie\u2028Claes', // line separator
      'Marie\u2029Claes', // paragraph separator
      'Marie\tClaes',
      'Marie\u0000',
      'Marie\u001b[31m',
      'Marie\u0085Claes', // next line (C1)
      'moc.kbc\u202eMarie', // right-to-left override: the domain reads backwards
      'Ma\u200brie', // zero-width space
      'Ma\ufeffrie', // a byte order mark inside (at either end, trim removes it)
    ]) {
      assert.match(refusal(name) ?? '', /must be one line without special characters/, JSON.stringify(name));
    }
  });

  it('when it holds a link, a web address, an e-mail address or a bare domain, then it is refused', () => {
    for (const name of [
      'https://kbc-veilig.top/login',
      'Marie http://x',
      'HTTP://X',
      'Marie www.kbc-veilig',
      'Marie //evil.example',
      'ftp://files',
      'Marie Claes kbc-veilig.top',
      'bank-kbc.com',
      'Klik evil.xyz nu',
      'Marie marie@evil.be',
      'ëvil.ünicode.be',
      'xn--80ak6aa92e.com',
      'evil\uff0ecom', // full-width dot: a mail client folds it to a link
      '192.168.1.20',
    ]) {
      assert.match(refusal(name) ?? '', /must not contain a link, web address or e-mail address/, JSON.stringify(name));
    }
  });

  it(`when it is empty or longer than ${NAME_MAX} characters, then it is refused with a message saying so`, () => {
    assert.match(refusal('   ') ?? '', /please fill in a name/);
    assert.match(refusal('x'.repeat(NAME_MAX + 1)) ?? '', new RegExp(`use at most ${NAME_MAX} characters`));
  });
});
