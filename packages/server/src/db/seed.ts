import { isConflict, type Db } from './database.ts';
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

/**
 * Fills an empty database with the demo municipality "Wilsede": services, staff, hours. Instances
 * that start together on one PostgreSQL database may both try: the one that loses the race on a
 * primary key leaves the seed to the winner.
 */
export async function seedDemoData(db: Db) {
  const catalog = catalogStore(db);
  try {
    await db.transaction(async () => {
      const { n } = await db.q.selectFrom('services').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      if (Number(n) > 0) return;
      for (const service of demoServices) await catalog.saveService(service);
      await db.q
        .insertInto('locations')
        .values([
          { id: 'gemeentehuis', name: 'Gemeentehuis Wilsede', address: 'Marktplein 1, 9999 Wilsede' },
          { id: 'sociaal-huis', name: 'Sociaal Huis', address: 'Kerkstraat 12, 9999 Wilsede' },
        ])
        .execute();

      type Hours = [staffId: string, weekday: number, startTime: string, endTime: string, channel: string, locationId: string | null];
      const hours: Hours[] = [];
      for (const member of demoStaff) {
        await db.q.insertInto('staff').values({ id: member.id, name: member.name, email: member.email, role: member.role }).execute();
        await db.q
          .insertInto('staff_services')
          .values(member.services.map((service) => ({ staff_id: member.id, service_id: service })))
          .execute();
        for (const weekday of [1, 2, 3, 4, 5]) hours.push([member.id, weekday, '09:00', '12:00', 'video', null]);
      }
      hours.push(['an', 2, '13:30', '16:30', 'counter', 'gemeentehuis']);
      hours.push(['bart', 4, '13:30', '16:30', 'counter', 'gemeentehuis']);
      hours.push(['chloe', 3, '13:30', '16:30', 'counter', 'sociaal-huis']);
      // Evening service: the municipalities ask for appointments outside office hours.
      hours.push(['an', 4, '17:00', '20:00', 'video', null]);
      hours.push(['chloe', 1, '17:00', '20:00', 'video', null]);
      await db.q
        .insertInto('opening_hours')
        .values(
          hours.map(([staffId, weekday, startTime, endTime, channel, locationId]) => ({
            staff_id: staffId,
            weekday,
            start_time: startTime,
            end_time: endTime,
            channel,
            location_id: locationId,
          })),
        )
        .execute();

      await db.q
        .insertInto('closures')
        .values(publicHolidays.map(([date, reason]) => ({ staff_id: null, date_from: date, date_to: date, reason })))
        .execute();
    });
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}
