import { QueryClientProvider } from '@tanstack/react-query';
import type { TenureClient } from '@tenure/client';
import { TenureProvider } from '@tenure/react';
import { useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { RequireAuth } from './auth/require-auth.tsx';
import { RootLayout } from './layout/root-layout.tsx';
import { DashboardPage } from './pages/dashboard-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { RegisterPage } from './pages/register-page.tsx';
import { SecurityPage } from './pages/security-page.tsx';
import { createQueryClient } from './query-client.ts';

const router = createBrowserRouter([
  {
    element: <RootLayout />,
    children: [
      { path: '/login', element: <LoginPage /> },
      { path: '/register', element: <RegisterPage /> },
      {
        element: <RequireAuth />,
        children: [
          { path: '/', element: <DashboardPage /> },
          { path: '/settings/security', element: <SecurityPage /> },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

export function App({ client }: { client: TenureClient }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <TenureProvider client={client}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </TenureProvider>
  );
}
