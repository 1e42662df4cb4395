import { runMain } from './main-phase.ts';

await runMain();
