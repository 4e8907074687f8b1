#!/usr/bin/env node
import { buildClassLabApp } from '../lib/class-lab-app';
import { ConfigError } from '../lib/config';
import { rememberInContextFile } from '../lib/expiry';

try {
  // An expiry window, once started, is remembered in cdk.context.json so redeploys keep it.
  buildClassLabApp({}, { rememberExpiryStart: rememberInContextFile() }).app.synth();
} catch (error) {
  // A bad setting is the student's to fix: say which, without a stack trace.
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
