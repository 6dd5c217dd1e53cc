import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <main className="page page--center">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Go to the dashboard</Link>
      </p>
    </main>
  );
}
