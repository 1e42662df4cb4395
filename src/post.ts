import { runPost } from './post-phase.ts';

await runPost();
