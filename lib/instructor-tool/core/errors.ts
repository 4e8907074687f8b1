/**
 * Exit codes and errors of class-lab-admin. Every error the tool expects ends the run with
 * one line that says what went wrong and what to do, never a stack trace.
 */

/** What each exit code means; the README lists the same table. */
export const EXIT = {
  /** Everything asked for was done and nothing is wrong. */
  ok: 0,
  /** A check failed, a stack did not delete, or something billable is left. */
  failed: 1,
  /** The command line was wrong; the usage follows the message. */
  usage: 2,
  /** Refused for safety: no confirmation, account not allowed, nothing selected. */
  refused: 3,
  /** AWS could not be used: no credentials, no region, access denied, no network. */
  aws: 4,
} as const;

/** An expected failure: its message is the one line the user reads. */
export class ToolError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.failed) {
    super(message);
    this.name = 'ToolError';
  }
}

/** A wrong command line; the CLI prints the command's usage after the message. */
export class UsageError extends ToolError {
  constructor(message: string, readonly command?: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** A refusal that protects the account: nothing was changed. */
export class RefusedError extends ToolError {
  constructor(message: string) {
    super(message, EXIT.refused);
    this.name = 'RefusedError';
  }
}

/** The error's name as the SDK reports it (its exception type or error code). */
export function errorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const v of [e.name, e.Code, e.code]) if (typeof v === 'string' && v !== 'Error') return v;
  }
  return 'Error';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

const THROTTLES = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException',
  'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'SlowDown',
  'PriorRequestNotComplete', 'ProvisionedThroughputExceededException',
]);

/** Whether AWS asked us to slow down (worth waiting and trying again). */
export function isThrottle(error: unknown): boolean {
  const meta = (error as { $retryable?: { throttling?: boolean } } | undefined)?.$retryable;
  return THROTTLES.has(errorName(error)) || meta?.throttling === true;
}

const CREDENTIAL_FAILURES = ['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'AuthFailure', 'CredentialsProviderError'];

/**
 * Whether the credentials themselves stopped working (expired mid-run, rejected, missing):
 * nothing more can be done in the account, so the run ends with exit 4. An access denied on
 * one action is that action's failure, not this.
 */
export function isCredentialFailure(error: unknown): boolean {
  return CREDENTIAL_FAILURES.includes(errorName(error)) || /Could not load credentials/i.test(errorMessage(error));
}

/** Turns an AWS SDK failure into the one line a person can act on. */
export function describeAwsError(error: unknown): ToolError {
  if (error instanceof ToolError) return error;
  const name = errorName(error);
  const message = errorMessage(error).split('\n')[0];
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new ToolError(
      'no AWS credentials found: run `aws configure` or `aws sso login`, pass --profile, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN (Learner Lab: copy them from "AWS Details")',
      EXIT.aws,
    );
  }
  if (/Region is missing/i.test(message)) {
    return new ToolError('no AWS region: pass --region us-east-1, set AWS_REGION, or set a region in your AWS profile', EXIT.aws);
  }
  if (['ExpiredToken', 'ExpiredTokenException', 'RequestExpired'].includes(name)) {
    return new ToolError(`AWS credentials have expired (${name}): refresh them (Learner Lab: start the lab again and copy new credentials)`, EXIT.aws);
  }
  if (['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'AuthFailure'].includes(name)) {
    return new ToolError(`AWS rejected the credentials (${name}): check the access key, secret and session token`, EXIT.aws);
  }
  if (/AccessDenied|UnauthorizedOperation/.test(name)) {
    return new ToolError(`access denied (${name}): ${message}`, EXIT.aws);
  }
  if (['ENOTFOUND', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'TimeoutError', 'EHOSTUNREACH'].includes(name)) {
    return new ToolError(`cannot reach AWS (${name}): check the network and the region`, EXIT.aws);
  }
  return new ToolError(`${name}: ${message}`, EXIT.failed);
}

const NOT_FOUND = /NotFound|NoSuch|does not exist|InvalidGroup\.NotFound|InvalidNetworkInterfaceID|RepositoryNotFound|ResourceNotFound/i;

/** Whether an error means the thing is already gone. */
export function isGone(error: unknown): boolean {
  return NOT_FOUND.test(errorName(error)) || NOT_FOUND.test((error as Error)?.message ?? '');
}
