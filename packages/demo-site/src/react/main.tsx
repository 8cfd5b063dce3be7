import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BookingPage } from './booking-page.tsx';

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <BookingPage />
  </StrictMode>,
);
