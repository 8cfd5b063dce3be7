import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type {} from '@digitale-balie/widget';

/**
 * `<digitale-balie>` in JSX. React 19 passes attributes and properties to custom elements and turns an
 * `on<event-name>` prop into an `addEventListener('<event-name>', …)`, so every public `balie-*` event
 * of the widget (typed through its `GlobalEventHandlersEventMap` augmentation) becomes a typed prop:
 * `onbalie-booking-confirmed={(e) => e.detail.start}`.
 */
type BalieEventProps = {
  [K in keyof GlobalEventHandlersEventMap as K extends `balie-${string}` ? `on${K}` : never]?: (event: GlobalEventHandlersEventMap[K]) => void;
};

export interface DigitaleBalieProps extends DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement>, BalieEventProps {
  server?: string;
  service?: string;
  appointment?: string;
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'digitale-balie': DigitaleBalieProps;
    }
  }
}
