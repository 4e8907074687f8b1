#!/usr/bin/env node
import { synthesizeClassLab } from '../lib/app/class-lab-app';

// Settings come from lab-settings.json, cdk.json and -c (lib/settings/sources.ts). The app writes to a
// staging folder and moves the assembly into the CLI's output folder only when everything passed.
process.exit(synthesizeClassLab({ projectDir: process.cwd(), outdir: process.env.CDK_OUTDIR ?? 'cdk.out' }));
