import { InitialSchema1763942400000 } from './1763942400000-initial-schema';

/** Every migration in order. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [InitialSchema1763942400000];
