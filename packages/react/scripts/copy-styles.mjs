// Ships the stylesheet next to the compiled code so `@tenure/react/styles.css` works from dist.
import { copyFile, mkdir } from 'node:fs/promises';

const root = new URL('../', import.meta.url);
await mkdir(new URL('dist/', root), { recursive: true });
await copyFile(new URL('src/styles/styles.css', root), new URL('dist/styles.css', root));
