import { frenchSpacing } from '../i18n/french-spacing.ts';
import type { Lang } from '../i18n/index.ts';

/** Texts of the staff side of a call; the call controls themselves share the citizen texts. */
export interface StaffCallTexts {
  title: (citizen: string) => string;
  waiting: string;
  nobodyWaiting: string;
  admit: (name: string) => string;
  admitAll: string;
  someoneWaits: (name: string) => string;
  nextSteps: string;
  nextStepsHint: string;
  end: string;
  ended: string;
  close: string;
}

export const staffCallTexts: Record<Lang, StaffCallTexts> = {
  nl: {
    title: (citizen) => `Videogesprek met ${citizen}`,
    waiting: 'In de wachtkamer',
    nobodyWaiting: 'Er wacht nog niemand.',
    admit: (name) => `${name} binnenlaten`,
    admitAll: 'Iedereen binnenlaten',
    someoneWaits: (name) => `${name} wacht in de wachtkamer.`,
    nextSteps: 'Volgende stappen voor de burger',
    nextStepsHint: 'De burger ziet deze tekst na het gesprek.',
    end: 'Gesprek beëindigen',
    ended: 'Het gesprek is beëindigd.',
    close: 'Terug naar het dossier',
  },
  fr: frenchSpacing<StaffCallTexts>({
    title: (citizen) => `Appel vidéo avec ${citizen}`,
    waiting: 'Dans la salle d’attente',
    nobodyWaiting: 'Personne n’attend encore.',
    admit: (name) => `Faire entrer ${name}`,
    admitAll: 'Faire entrer tout le monde',
    someoneWaits: (name) => `${name} attend dans la salle d’attente.`,
    nextSteps: 'Prochaines étapes pour le citoyen',
    nextStepsHint: 'Le citoyen voit ce texte après l’appel.',
    end: 'Terminer l’appel',
    ended: 'L’appel est terminé.',
    close: 'Retour au dossier',
  }),
  en: {
    title: (citizen) => `Video call with ${citizen}`,
    waiting: 'In the waiting room',
    nobodyWaiting: 'Nobody is waiting yet.',
    admit: (name) => `Let ${name} in`,
    admitAll: 'Let everyone in',
    someoneWaits: (name) => `${name} is waiting in the waiting room.`,
    nextSteps: 'Next steps for the citizen',
    nextStepsHint: 'The citizen sees this text after the call.',
    end: 'End call',
    ended: 'The call has ended.',
    close: 'Back to the file',
  },
  de: {
    title: (citizen) => `Videogespräch mit ${citizen}`,
    waiting: 'Im Warteraum',
    nobodyWaiting: 'Noch wartet niemand.',
    admit: (name) => `${name} hereinlassen`,
    admitAll: 'Alle hereinlassen',
    someoneWaits: (name) => `${name} wartet im Warteraum.`,
    nextSteps: 'Nächste Schritte für den Bürger',
    nextStepsHint: 'Der Bürger sieht diesen Text nach dem Gespräch.',
    end: 'Gespräch beenden',
    ended: 'Das Gespräch ist beendet.',
    close: 'Zurück zur Akte',
  },
};
