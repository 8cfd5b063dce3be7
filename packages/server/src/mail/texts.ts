import type { CompanionRole, Lang } from '../catalog/types.ts';

/** Every text a mail needs; a language that misses one fails the type-check. */
export interface MailTexts {
  locale: string;
  greeting: (name: string) => string;
  confirmation: { subject: (service: string) => string; intro: (service: string, when: string) => string };
  companionInvite: {
    subject: (service: string) => string;
    intro: (citizen: string, role: string, service: string, when: string) => string;
  };
  rescheduled: { subject: (service: string) => string; intro: (service: string, when: string) => string };
  /** Same time, another channel (a video appointment became a phone call-back). */
  changed: { subject: (service: string) => string; intro: (service: string, when: string) => string };
  cancelled: { subject: (service: string) => string; intro: (service: string, when: string) => string };
  reminder: { subject: (service: string, when: string) => string; intro: (service: string, when: string) => string };
  videoChannel: string;
  counterChannel: (location: string) => string;
  /** A phone appointment: staff call the citizen at that number at that time. */
  phoneChannel: (phone: string, when: string) => string;
  openLink: string;
  deviceTest: string;
  manage: string;
  bookAgain: string;
  roles: Record<CompanionRole, string>;
  signature: string;
  /** Name of the attached calendar file (.ics), in the recipient's language. */
  calendarFile: string;
  /** After a move: the attached file replaces the old time in the calendar. */
  calendarUpdated: (file: string) => string;
  /** After a cancellation: the attached file takes the appointment out of the calendar. */
  calendarCancelled: (file: string) => string;
}

const nl: MailTexts = {
  locale: 'nl-BE',
  greeting: (name) => `Beste ${name},`,
  confirmation: {
    subject: (service) => `Uw afspraak is bevestigd: ${service}`,
    intro: (service, when) => `Uw afspraak voor ${service} is vastgelegd op ${when}.`,
  },
  companionInvite: {
    subject: (service) => `U bent uitgenodigd voor een afspraak: ${service}`,
    intro: (citizen, role, service, when) =>
      `${citizen} nodigt u uit als ${role} voor een afspraak over ${service} op ${when}.`,
  },
  rescheduled: {
    subject: (service) => `Uw afspraak is verplaatst: ${service}`,
    intro: (service, when) => `Uw afspraak voor ${service} is verplaatst naar ${when}.`,
  },
  changed: {
    subject: (service) => `Uw afspraak is gewijzigd: ${service}`,
    intro: (service, when) => `Uw afspraak voor ${service} op ${when} is gewijzigd.`,
  },
  cancelled: {
    subject: (service) => `Uw afspraak is geannuleerd: ${service}`,
    intro: (service, when) => `Uw afspraak voor ${service} op ${when} is geannuleerd.`,
  },
  reminder: {
    subject: (service, when) => `Herinnering: ${service} op ${when}`,
    intro: (service, when) => `Wij herinneren u aan uw afspraak voor ${service} op ${when}.`,
  },
  videoChannel: 'Het gesprek is een videogesprek. U hebt een computer, tablet of smartphone met camera nodig.',
  counterChannel: (location) => `U komt naar het loket: ${location}.`,
  phoneChannel: (phone, when) => `Een medewerker belt u op ${phone} op ${when}.`,
  openLink: 'Uw persoonlijke link (deel deze link met niemand):',
  deviceTest: 'Test vooraf uw camera en microfoon:',
  manage: 'Via dezelfde link kunt u de afspraak bekijken, verplaatsen of annuleren.',
  bookAgain: 'Wilt u een nieuwe afspraak maken? Dat kan op de website van de gemeente.',
  roles: { carer: 'mantelzorger', family: 'familielid', interpreter: 'tolk' },
  signature: 'Met vriendelijke groeten,\nDe Digitale Balie van uw gemeente',
  calendarFile: 'afspraak.ics',
  calendarUpdated: (file) => `Staat de afspraak in uw agenda? Open de bijlage ${file}: die zet het nieuwe uur in de plaats van het oude.`,
  calendarCancelled: (file) => `Staat de afspraak in uw agenda? Open de bijlage ${file}: die haalt ze eruit.`,
};

const fr: MailTexts = {
  locale: 'fr-BE',
  greeting: (name) => `Bonjour ${name},`,
  confirmation: {
    subject: (service) => `Votre rendez-vous est confirmé : ${service}`,
    intro: (service, when) => `Votre rendez-vous pour ${service} est fixé au ${when}.`,
  },
  companionInvite: {
    subject: (service) => `Invitation à un rendez-vous : ${service}`,
    intro: (citizen, role, service, when) =>
      `${citizen} vous invite en tant que ${role} à un rendez-vous pour ${service} le ${when}.`,
  },
  rescheduled: {
    subject: (service) => `Votre rendez-vous a été déplacé : ${service}`,
    intro: (service, when) => `Votre rendez-vous pour ${service} a été déplacé au ${when}.`,
  },
  changed: {
    subject: (service) => `Votre rendez-vous a été modifié : ${service}`,
    intro: (service, when) => `Votre rendez-vous pour ${service} du ${when} a été modifié.`,
  },
  cancelled: {
    subject: (service) => `Votre rendez-vous est annulé : ${service}`,
    intro: (service, when) => `Votre rendez-vous pour ${service} du ${when} est annulé.`,
  },
  reminder: {
    subject: (service, when) => `Rappel : ${service} le ${when}`,
    intro: (service, when) => `Nous vous rappelons votre rendez-vous pour ${service} le ${when}.`,
  },
  videoChannel: 'Il s’agit d’un appel vidéo. Il vous faut un ordinateur, une tablette ou un smartphone avec caméra.',
  counterChannel: (location) => `Vous venez au guichet : ${location}.`,
  phoneChannel: (phone, when) => `Un collaborateur vous appellera au ${phone} le ${when}.`,
  openLink: 'Votre lien personnel (ne le partagez avec personne) :',
  deviceTest: 'Testez votre caméra et votre micro à l’avance :',
  manage: 'Avec ce même lien, vous pouvez consulter, déplacer ou annuler le rendez-vous.',
  bookAgain: 'Pour prendre un nouveau rendez-vous, passez par le site web de la commune.',
  roles: { carer: 'aidant proche', family: 'membre de la famille', interpreter: 'interprète' },
  signature: 'Cordialement,\nLe guichet numérique de votre commune',
  calendarFile: 'rendez-vous.ics',
  calendarUpdated: (file) => `Le rendez-vous est dans votre agenda ? Ouvrez la pièce jointe ${file} : elle remplace l’ancienne heure par la nouvelle.`,
  calendarCancelled: (file) => `Le rendez-vous est dans votre agenda ? Ouvrez la pièce jointe ${file} : elle l’en retire.`,
};

const en: MailTexts = {
  locale: 'en-GB',
  greeting: (name) => `Dear ${name},`,
  confirmation: {
    subject: (service) => `Your appointment is confirmed: ${service}`,
    intro: (service, when) => `Your appointment for ${service} is booked for ${when}.`,
  },
  companionInvite: {
    subject: (service) => `You are invited to an appointment: ${service}`,
    intro: (citizen, role, service, when) =>
      `${citizen} invites you as ${role} to an appointment about ${service} on ${when}.`,
  },
  rescheduled: {
    subject: (service) => `Your appointment has moved: ${service}`,
    intro: (service, when) => `Your appointment for ${service} has moved to ${when}.`,
  },
  changed: {
    subject: (service) => `Your appointment has changed: ${service}`,
    intro: (service, when) => `Your appointment for ${service} on ${when} has changed.`,
  },
  cancelled: {
    subject: (service) => `Your appointment is cancelled: ${service}`,
    intro: (service, when) => `Your appointment for ${service} on ${when} is cancelled.`,
  },
  reminder: {
    subject: (service, when) => `Reminder: ${service} on ${when}`,
    intro: (service, when) => `This is a reminder of your appointment for ${service} on ${when}.`,
  },
  videoChannel: 'This is a video call. You need a computer, tablet or smartphone with a camera.',
  counterChannel: (location) => `Please come to the counter: ${location}.`,
  phoneChannel: (phone, when) => `A member of staff will call you on ${phone} on ${when}.`,
  openLink: 'Your personal link (do not share it with anyone):',
  deviceTest: 'Test your camera and microphone beforehand:',
  manage: 'With the same link you can view, move or cancel the appointment.',
  bookAgain: 'To make a new appointment, visit the municipality’s website.',
  roles: { carer: 'carer', family: 'family member', interpreter: 'interpreter' },
  signature: 'Kind regards,\nThe digital counter of your municipality',
  calendarFile: 'appointment.ics',
  calendarUpdated: (file) => `Is the appointment in your calendar? Open the attachment ${file}: it puts the new time in place of the old one.`,
  calendarCancelled: (file) => `Is the appointment in your calendar? Open the attachment ${file}: it takes it out.`,
};

const de: MailTexts = {
  locale: 'de-BE',
  greeting: (name) => `Guten Tag ${name},`,
  confirmation: {
    subject: (service) => `Ihr Termin ist bestätigt: ${service}`,
    intro: (service, when) => `Ihr Termin für ${service} ist am ${when}.`,
  },
  companionInvite: {
    subject: (service) => `Sie sind zu einem Termin eingeladen: ${service}`,
    intro: (citizen, role, service, when) =>
      `${citizen} lädt Sie als ${role} zu einem Termin über ${service} am ${when} ein.`,
  },
  rescheduled: {
    subject: (service) => `Ihr Termin wurde verschoben: ${service}`,
    intro: (service, when) => `Ihr Termin für ${service} wurde auf ${when} verschoben.`,
  },
  changed: {
    subject: (service) => `Ihr Termin wurde geändert: ${service}`,
    intro: (service, when) => `Ihr Termin für ${service} am ${when} wurde geändert.`,
  },
  cancelled: {
    subject: (service) => `Ihr Termin wurde abgesagt: ${service}`,
    intro: (service, when) => `Ihr Termin für ${service} am ${when} wurde abgesagt.`,
  },
  reminder: {
    subject: (service, when) => `Erinnerung: ${service} am ${when}`,
    intro: (service, when) => `Wir erinnern Sie an Ihren Termin für ${service} am ${when}.`,
  },
  videoChannel: 'Es ist ein Videogespräch. Sie brauchen einen Computer, ein Tablet oder ein Smartphone mit Kamera.',
  counterChannel: (location) => `Bitte kommen Sie zum Schalter: ${location}.`,
  phoneChannel: (phone, when) => `Ein Mitarbeiter ruft Sie am ${when} unter ${phone} an.`,
  openLink: 'Ihr persönlicher Link (teilen Sie ihn mit niemandem):',
  deviceTest: 'Testen Sie vorab Kamera und Mikrofon:',
  manage: 'Mit demselben Link können Sie den Termin ansehen, verschieben oder absagen.',
  bookAgain: 'Einen neuen Termin vereinbaren Sie auf der Website der Gemeinde.',
  roles: { carer: 'pflegende Person', family: 'Familienmitglied', interpreter: 'Dolmetscher' },
  signature: 'Mit freundlichen Grüßen\nDer digitale Schalter Ihrer Gemeinde',
  calendarFile: 'termin.ics',
  calendarUpdated: (file) => `Steht der Termin in Ihrem Kalender? Öffnen Sie den Anhang ${file}: Er ersetzt die alte Uhrzeit durch die neue.`,
  calendarCancelled: (file) => `Steht der Termin in Ihrem Kalender? Öffnen Sie den Anhang ${file}: Er entfernt ihn daraus.`,
};

export const mailTexts: Record<Lang, MailTexts> = { nl, fr, en, de };
