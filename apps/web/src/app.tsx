import { QueryClientProvider } from '@tanstack/react-query';
import type { TenureClient } from '@tenure/client';
import { TenureProvider } from '@tenure/react';
import { useState } from 'react';
import { createBrowserRouter, type RouteObject, RouterProvider } from 'react-router';
import { RequireAuth } from './auth/require-auth.tsx';
import { RootLayout } from './layout/root-layout.tsx';
import { DashboardPage } from './pages/dashboard-page.tsx';
import { ErrorPage } from './pages/error-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { RegisterPage } from './pages/register-page.tsx';
import { SecurityPage } from './pages/security-page.tsx';
import { createQueryClient } from './query-client.ts';

/** The app's routes; exported so tests can mount them in a memory router. */
export const routes: RouteObject[] = [
  {
    element: <RootLayout />,
    errorElement: <ErrorPage />,
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
];

type Router = ReturnType<typeof createBrowserRouter>;

export function App({ client, router }: { client: TenureClient; router?: Router }) {
  const [queryClient] = useState(createQueryClient);
  const [browserRouter] = useState(() => router ?? createBrowserRouter(routes));
  return (
    <TenureProvider client={client}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={browserRouter} />
      </QueryClientProvider>
    </TenureProvider>
  );
}
