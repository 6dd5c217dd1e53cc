/** Last resort for a rendering failure: say so plainly and offer a way back (full reload). */
export function ErrorPage() {
  return (
    <main className="page page--center">
      <h1>Something went wrong</h1>
      <p>Please reload the page. If it keeps happening, try again in a moment.</p>
      <p>
        <a href="/">Go to the dashboard</a>
      </p>
    </main>
  );
}
