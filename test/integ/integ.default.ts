// Rehearsal: the default ClassLabStack, every module, one student per account (see rehearsal.ts).
import { defineRehearsal, REHEARSALS } from './rehearsal';

defineRehearsal(REHEARSALS.default).synth();
