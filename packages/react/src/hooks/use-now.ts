import { useEffect, useState } from 'react';
import { useTenureContext } from './use-tenure.ts';

/** The provider's clock, re-read every `intervalMs` so relative times stay fresh. */
export function useNow(intervalMs = 30_000): number {
  const { clock } = useTenureContext();
  const [now, setNow] = useState(clock);
  useEffect(() => {
    setNow(clock());
    const timer = setInterval(() => setNow(clock()), intervalMs);
    return () => clearInterval(timer);
  }, [clock, intervalMs]);
  return now;
}
