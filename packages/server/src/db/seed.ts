import type { Db } from './database.ts';
import { catalogStore } from '../catalog/store.ts';
import type { Service } from '../catalog/types.ts';

const question = (id: string, required: boolean, nl: string, fr: string, en: string, de: string) => ({
  id,
  required,
  texts: { nl: { label: nl }, fr: { label: fr }, en: { label: en }, de: { label: de } },
});
const doc = (id: string, nl: string, fr: string, en: string, de: string) => ({
  id,
  texts: { nl: { label: nl }, fr: { label: fr }, en: { label: en }, de: { label: de } },
});

export const demoServices: Service[] = [
  {
    id: 'mantelzorgpremie',
    texts: {
      nl: { name: 'Mantelzorgpremie', description: 'Vraag de premie aan als u zorgt voor een familielid of vriend.' },
      fr: { name: 'Prime pour aidant proche', description: 'Demandez la prime si vous prenez soin d’un proche.' },
      en: { name: 'Carer’s allowance', description: 'Apply for the allowance if you care for a family member or friend.' },
      de: { name: 'Pflegeprämie', description: 'Beantragen Sie die Prämie, wenn Sie einen Angehörigen pflegen.' },
    },
    durationMin: 30,
    bufferBeforeMin: 0,
    bufferAfterMin: 10,
    noticeMin: 120,
    horizonDays: 28,
    // A phone call-back too (issue 11): carers are often the ones without a quiet hour at a screen.
    channels: ['video', 'counter', 'phone'],
    intake: [
      question('zorgvrager', true, 'Voor wie zorgt u?', 'De qui prenez-vous soin ?', 'Who do you care for?', 'Wen pflegen Sie?'),
      question('vraag', false, 'Wat wilt u vooral bespreken?', 'De quoi voulez-vous parler ?', 'What would you like to discuss?', 'Worüber möchten Sie sprechen?'),
    ],
    requiredDocuments: [doc('attest', 'Attest van de zorgbehoevende', 'Attestation de la personne aidée', 'Certificate of the person cared for', 'Bescheinigung der gepflegten Person')],
    active: true,
  },
  {
    id: 'reistoelating',
    texts: {
      nl: { name: 'Reistoelating voor minderjarigen', description: 'Toestemming voor uw kind om zonder u naar het buitenland te reizen.' },
      fr: { name: 'Autorisation de voyage pour mineurs', description: 'Autorisation pour votre enfant de voyager à l’étranger sans vous.' },
      en: { name: 'Travel permit for minors', description: 'Permission for your child to travel abroad without you.' },
      de: { name: 'Reiseerlaubnis für Minderjährige', description: 'Erlaubnis für Ihr Kind, ohne Sie ins Ausland zu reisen.' },
    },
    durationMin: 20,
    bufferBeforeMin: 0,
    bufferAfterMin: 5,
    noticeMin: 60,
    horizonDays: 21,
    channels: ['video', 'counter'],
    intake: [question('bestemming', true, 'Naar welk land reist uw kind?', 'Dans quel pays votre enfant voyage-t-il ?', 'Which country is your child travelling to?', 'In welches Land reist Ihr Kind?')],
    requiredDocuments: [
      doc('identiteitskaart', 'Identiteitskaart van beide ouders', 'Carte d’identité des deux parents', 'Identity card of both parents', 'Personalausweis beider Eltern'),
      doc('kids-id', 'Kids-ID van uw kind', 'Kids-ID de votre enfant', 'Your child’s Kids-ID', 'Kids-ID Ihres Kindes'),
    ],
    active: true,
  },
  {
    id: 'woningonderzoek',
    texts: {
      nl: { name: 'Woningkwaliteit en huurproblemen', description: 'Vocht, schimmel of gebreken in uw huurwoning? Wij helpen u verder.' },
      fr: { name: 'Qualité du logement', description: 'Humidité, moisissures ou défauts dans votre logement loué ? Nous vous aidons.' },
      en: { name: 'Housing quality and rental problems', description: 'Damp, mould or defects in your rented home? We can help.' },
      de: { name: 'Wohnqualität und Mietprobleme', description: 'Feuchtigkeit, Schimmel oder Mängel in Ihrer Mietwohnung? Wir helfen.' },
    },
    durationMin: 45,
    bufferBeforeMin: 5,
    bufferAfterMin: 10,
    noticeMin: 240,
    horizonDays: 42,
    channels: ['video'],
    intake: [question('adres', true, 'Adres van de woning', 'Adresse du logement', 'Address of the home', 'Adresse der Wohnung')],
    requiredDocuments: [
      doc('huurcontract', 'Huurcontract', 'Contrat de bail', 'Rental contract', 'Mietvertrag'),
      doc('fotos', 'Foto’s van de gebreken', 'Photos des défauts', 'Photos of the defects', 'Fotos der Mängel'),
    ],
    active: true,
  },
];

/** Belgian public holidays on which the whole municipality is closed. */
const publicHolidays = [
  ['2026-12-25', 'Kerstmis'], ['2027-01-01', 'Nieuwjaar'], ['2027-03-29', 'Paasmaandag'], ['2027-05-01', 'Dag van de Arbeid'],
  ['2027-05-06', 'O.L.H. Hemelvaart'], ['2027-05-17', 'Pinkstermaandag'], ['2027-07-11', 'Feest van de Vlaamse Gemeenschap'],
  ['2027-07-21', 'Nationale feestdag'], ['2027-08-15', 'O.L.V. Hemelvaart'], ['2027-11-01', 'Allerheiligen'],
  ['2027-11-11', 'Wapenstilstand'], ['2027-12-25', 'Kerstmis'],
] as const;

/** The demo team; the staff console gives them the demo password (DEMO_STAFF_PASSWORD). */
export const demoStaff = [
  { id: 'an', name: 'An Peeters', email: 'an.peeters@wilsede.invalid', role: 'beheerder', services: ['mantelzorgpremie', 'reistoelating'] },
  { id: 'bart', name: 'Bart Janssens', email: 'bart.janssens@wilsede.invalid', role: 'medewerker', services: ['reistoelating', 'woningonderzoek'] },
  { id: 'chloe', name: 'Chloé Dubois', email: 'chloe.dubois@wilsede.invalid', role: 'medewerker', services: ['mantelzorgpremie', 'woningonderzoek'] },
] as const;

/** Fills an empty database with the demo municipality "Wilsede": services, staff, hours. */
export function seedDemoData(db: Db) {
  const hasData = db.prepare('SELECT COUNT(*) FROM services').pluck().get() as number;
  if (hasData > 0) return;
  const catalog = catalogStore(db);
  db.transaction(() => {
    for (const service of demoServices) catalog.saveService(service);
    const location = db.prepare('INSERT INTO locations (id, name, address) VALUES (?, ?, ?)');
    location.run('gemeentehuis', 'Gemeentehuis Wilsede', 'Marktplein 1, 9999 Wilsede');
    location.run('sociaal-huis', 'Sociaal Huis', 'Kerkstraat 12, 9999 Wilsede');

    const staff = db.prepare('INSERT INTO staff (id, name, email, role) VALUES (?, ?, ?, ?)');
    const offers = db.prepare('INSERT INTO staff_services (staff_id, service_id) VALUES (?, ?)');
    const hours = db.prepare(
      'INSERT INTO opening_hours (staff_id, weekday, start_time, end_time, channel, location_id) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const member of demoStaff) {
      staff.run(member.id, member.name, member.email, member.role);
      for (const service of member.services) offers.run(member.id, service);
      for (const weekday of [1, 2, 3, 4, 5]) hours.run(member.id, weekday, '09:00', '12:00', 'video', null);
    }
    hours.run('an', 2, '13:30', '16:30', 'counter', 'gemeentehuis');
    hours.run('bart', 4, '13:30', '16:30', 'counter', 'gemeentehuis');
    hours.run('chloe', 3, '13:30', '16:30', 'counter', 'sociaal-huis');
    // Evening service: the municipalities ask for appointments outside office hours.
    hours.run('an', 4, '17:00', '20:00', 'video', null);
    hours.run('chloe', 1, '17:00', '20:00', 'video', null);

    const closure = db.prepare('INSERT INTO closures (staff_id, date_from, date_to, reason) VALUES (?, ?, ?, ?)');
    for (const [date, reason] of publicHolidays) closure.run(null, date, date, reason);
  })();
}
