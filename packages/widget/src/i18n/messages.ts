/** Every citizen-facing text of the widget. A language that misses a key fails the type-check. */
export interface Messages {
  locale: string;
  common: {
    loading: string;
    retry: string;
    back: string;
    next: string;
    close: string;
    optional: string;
    stepOf: (step: number, total: number) => string;
  };
  errors: {
    network: string;
    server: string;
    invalidLink: string;
    cancelled: string;
    expired: string;
    notFound: string;
    slotTaken: string;
    alternatives: string;
    summary: string;
    required: string;
    email: string;
    phone: string;
    consent: string;
    tooLong: string;
    /** The page the widget sits on stopped the booking (balie-booking-requested was cancelled). */
    notBooked: string;
    tooManyCompanions: string;
    /** rate_limited: too many requests from this address or link (429 with Retry-After). */
    rateLimited: string;
    /** too_many_bookings: this e-mail address holds the most appointments to come it may. */
    tooManyBookings: string;
    /** too_many_invitations: the appointment's lifetime cap on companion invitations is reached. */
    tooManyInvitations: string;
    /** A name with a line break or a control character. */
    nameLine: string;
    /** A name with a link, web address or e-mail address in it. */
    nameLink: string;
    /** appointment_started: too late to change it online. */
    started: string;
    /** channel_not_offered */
    channelNotOffered: string;
    /** citizen_only: a companion tried what only the person who booked may do. */
    citizenOnly: string;
    /** not_video: the appointment is at the counter. */
    notVideo: string;
    /** feedback_given */
    feedbackGiven: string;
    generic: string;
  };
  booking: {
    title: string;
    chooseService: string;
    chooseChannel: string;
    chooseTime: string;
    yourDetails: string;
    review: string;
    confirmed: string;
    video: string;
    videoHint: string;
    counter: (location: string) => string;
    /** The phone channel: staff call the citizen back at the time (issue 11). */
    phoneChannel: string;
    phoneChannelHint: string;
    /** The phone field's hint when it is the number staff will call. */
    phoneCallHint: string;
    duration: (minutes: number) => string;
    noSlots: string;
    laterDays: string;
    earlierDays: string;
    slotLabel: (date: string, time: string) => string;
    name: string;
    email: string;
    emailHint: string;
    phone: string;
    phoneHint: string;
    intake: string;
    companionQuestion: string;
    companionHint: string;
    companionName: string;
    companionEmail: string;
    companionRole: string;
    roles: { carer: string; family: string; interpreter: string };
    consent: string;
    /** The privacy notice above the consent box (issue 12): who sees the data, how long it is kept. */
    privacyTitle: string;
    /** `days`: RETENTION_DAYS; undefined when the server did not say. */
    privacyText: (days: number | undefined) => string;
    /** The link to the municipality's full privacy statement (PRIVACY_URL). */
    privacyLink: string;
    privacyLinkNewWindow: string;
    confirm: string;
    booking: string;
    summaryService: string;
    summaryWhen: string;
    summaryWhere: string;
    summaryName: string;
    summaryCompanion: string;
    confirmedText: (email: string) => string;
    bring: string;
    manage: string;
    bookAnother: string;
  };
  manage: {
    title: string;
    companionView: (name: string) => string;
    status: { booked: string; cancelled: string; held: string; no_show: string };
    cancel: string;
    cancelConfirm: string;
    cancelYes: string;
    cancelNo: string;
    cancelledText: string;
    reschedule: string;
    rescheduleConfirm: (when: string) => string;
    rescheduledText: (when: string) => string;
    /** Switching between a video call and the counter from the personal link (issue 11). */
    switchTo: { video: string; counter: string };
    chooseCounter: string;
    switchConfirm: (when: string) => string;
    switched: { video: (when: string) => string; counter: (when: string, location: string) => string };
    companions: string;
    noCompanions: string;
    addCompanion: string;
    removeCompanion: (name: string) => string;
    companionAdded: (name: string) => string;
    companionRemoved: (name: string) => string;
    save: string;
    bring: string;
  };
  meeting: {
    join: string;
    testDevices: string;
    notYet: (opensAt: string) => string;
    closed: string;
    welcomeTitle: string;
    welcomeText: (service: string, when: string) => string;
    howItWorks: string;
    steps: string[];
    start: string;
    deviceTitle: string;
    allowText: string;
    allow: string;
    deniedTitle: string;
    deniedHelp: { chrome: string; firefox: string; safari: string; iphone: string; android: string };
    notFound: string;
    inUse: string;
    unsupported: string;
    camera: string;
    microphone: string;
    speaker: string;
    speakerDefault: string;
    level: string;
    levelHint: string;
    testSound: string;
    testSoundHint: string;
    audioOnly: string;
    checkPassed: string;
    /** Device test (issue 11): while parts are still being tested, and when one failed. */
    testing: string;
    checkFailed: string;
    parts: { camera: string; microphone: string; speaker: string; network: string };
    partStates: { checking: string; asking: string; passed: string; failed: string; skipped: string };
    retryPart: (part: string) => string;
    heardQuestion: string;
    yes: string;
    no: string;
    cameraNoFrames: string;
    cameraDark: string;
    microphoneSilent: string;
    speakerNotHeard: string;
    networkSpeed: (ms: number) => string;
    networkUnreachable: string;
    networkSlow: (ms: number) => string;
    networkNoRelay: string;
    checkFailedDone: string;
    testAgain: string;
    continue: string;
    done: string;
    lobbyTitle: string;
    lobbyText: string;
    lobbyStill: string;
    admitted: string;
    you: string;
    roles: { staff: string; citizen: string; companion: string };
    /** Toggle buttons keep one name and say their state with aria-pressed (pressed = muted, camera off, sharing). */
    mute: string;
    cameraOff: string;
    shareScreen: string;
    /** Shown instead of the share button where the browser has no getDisplayMedia (phones, tablets). */
    shareScreenUnavailable: string;
    volume: (name: string) => string;
    /** Shown on a participant's picture when they turned their camera off, and on one's own. */
    remoteCameraOff: (name: string) => string;
    remoteMicOff: string;
    selfCameraOff: string;
    chat: string;
    chatLabel: string;
    send: string;
    noMessages: string;
    participants: string;
    /** Name of the group of call buttons (microphone, camera, screen, leave). */
    controls: string;
    leave: string;
    quality: { good: string; fair: string; poor: string; unknown: string };
    downgraded: string;
    /** The network changed or dropped for a moment: the call looks for a new path (ICE restart). */
    reconnecting: string;
    audioOnlyOn: string;
    /** The line got too weak for video: we switched to audio only by ourselves (issue 14). */
    autoAudioOnly: string;
    /** The button next to that message. */
    tryVideo: string;
    /** The line is good again for a while: video is back on. */
    videoBack: string;
    joined: (name: string) => string;
    left: (name: string) => string;
    connecting: string;
    connectFailed: string;
    endedTitle: string;
    nextSteps: string;
    followUpTitle: string;
    followUpMail: string;
    feedbackTitle: string;
    feedbackQuestion: string;
    scores: string[];
    feedbackComment: string;
    feedbackSend: string;
    feedbackSkip: string;
    feedbackThanks: string;
    goodbye: string;
  };
  documents: {
    title: string;
    intro: (maxSize: string) => string;
    drop: string;
    choose: string;
    photo: string;
    checklist: string;
    provided: string;
    missing: string;
    uploadFor: (label: string) => string;
    uploads: string;
    progress: (name: string, percent: number) => string;
    paused: string;
    checking: string;
    pause: (name: string) => string;
    resume: (name: string) => string;
    retry: (name: string) => string;
    cancel: (name: string) => string;
    sent: (name: string) => string;
    received: (name: string) => string;
    list: string;
    none: string;
    from: { citizen: string; companion: string; staff: string; mine: string };
    download: (name: string) => string;
    remove: (name: string) => string;
    removed: (name: string) => string;
    errors: {
      type_not_allowed: string;
      file_too_large: (maxSize: string) => string;
      appointment_full: string;
      infected: string;
      empty_file: string;
      scan_failed: string;
      /** A JPEG or PNG whose structure the server cannot follow to strip its metadata. */
      image_damaged: string;
      upload_expired: string;
      appointment_closed: string;
      /** The server has no room for documents (507): try later or bring it along. */
      storage_full: string;
      network: string;
      generic: string;
    };
  };
  /** The ways forward when the device test fails (issue 11): audio only, a phone call, the counter. */
  fallback: {
    intro: string;
    audioOnly: string;
    audioOnlyHint: string;
    phone: string;
    phoneHint: string;
    counter: string;
    counterHint: string;
    /** Only on the way into the call: going on with the devices as they are. */
    continueAnyway: string;
    audioOnlyDone: (when: string) => string;
    phoneTitle: string;
    phoneLabel: string;
    phoneFieldHint: string;
    phoneConfirm: string;
    phoneDone: (number: string, when: string) => string;
    counterTitle: string;
    counterConfirm: (when: string) => string;
    counterDone: (when: string, where: string) => string;
    mailSent: string;
    /** A companion cannot change the appointment: only the person who booked can. */
    companionOnlyAudio: string;
    /** On the picture of someone in the call who takes part without a camera. */
    remoteAudioOnly: (name: string) => string;
  };
  /** Real-time text in the call (issue 14, EN 301 549 6.2): letter by letter, next to voice. */
  rtt: {
    /** The call's button that opens and closes the panel. */
    open: string;
    title: string;
    intro: string;
    /** Over our own box. */
    yourText: string;
    /** Over someone else's text: "Marie Claes typt:". */
    typing: (name: string) => string;
    /** For a screen reader, when someone starts typing. */
    started: (name: string) => string;
    /** For a screen reader: a finished line, or what was typed before a pause. */
    said: (name: string, text: string) => string;
    /** A participant whose name is not known yet. */
    someone: string;
    /** Said when the panel opens by itself (a booking asked for text, or someone started typing). */
    opened: string;
    /** The booking option, and its hint. */
    prefer: string;
    preferHint: string;
  };
}

/** What the booking journey reads: it ships with the entry, the rest of the texts come with their views. */
export type BookingMessages = Pick<Messages, 'locale' | 'common' | 'errors' | 'booking'> & {
  meeting: Pick<Messages['meeting'], 'closed'>;
  rtt: Pick<Messages['rtt'], 'title' | 'prefer' | 'preferHint'>;
};
