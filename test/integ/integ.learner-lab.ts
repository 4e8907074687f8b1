// Rehearsal in an AWS Academy Learner Lab session: deploy and destroy as LabRole, no assertion
// stack (each assertion would need a role of its own, which Learner Lab forbids). See rehearsal.ts.
import { defineRehearsal, REHEARSALS } from './rehearsal';

defineRehearsal(REHEARSALS.learnerLab).synth();
