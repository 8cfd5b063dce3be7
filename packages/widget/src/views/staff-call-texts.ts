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

export const staffCallTexts: Record<'nl' | 'en', StaffCallTexts> = {
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
};
