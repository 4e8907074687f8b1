// The baseline for `npm run bench`: the same toolchain synthesizing a stack with nothing in it.
import { App, Stack } from 'aws-cdk-lib';

const app = new App();
new Stack(app, 'EmptyStack');
app.synth();
