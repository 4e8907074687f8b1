// Rehearsal: ClassLabStack-rehearsal, a student's stack in a shared account (see rehearsal.ts).
import { defineRehearsal, REHEARSALS } from './rehearsal';

defineRehearsal(REHEARSALS.student).synth();
