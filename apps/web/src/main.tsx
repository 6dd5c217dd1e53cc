import '@tenure/react/styles.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { tenureClient } from './tenure-client.ts';

// Silent refresh with the cookie: restores the session on page load, or signs out without a modal.
void tenureClient.restore();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App client={tenureClient} />
  </StrictMode>,
);
